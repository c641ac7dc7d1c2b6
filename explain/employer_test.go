package explain

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEmployerObject(t *testing.T) {
	tests := []struct {
		name, eml string
		want      map[string]any // nil: no employer object
	}{
		{"lever rejection", "From: Initech Talent <no-reply@hire.lever.co>\r\nTo: alex.morgan@example.org\r\n" +
			"Subject: Your application to Initech\r\nMessage-ID: <a1@lever.co>\r\nIn-Reply-To: <note@example.org>\r\n\r\n" +
			"Hi Alex, after careful consideration we have decided not to move forward with your application.\r\n",
			map[string]any{"kind": "rejection", "company": "Initech"}},
		{"offer from the company", "From: Jane Doe <jane.doe@acme.com>\r\nSubject: Good news\r\n\r\n" +
			"Hi Alex, we are pleased to offer you the position of Senior Backend Engineer.\r\n",
			map[string]any{"kind": "offer", "company": "Acme"}},
		{"html-only reschedule", "From: rh@umbrella.fr\r\nSubject: Entretien\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
			"<p>Malheureusement, nous devons <b>reporter l'entretien</b> : nouvelle date jeudi.</p>\r\n",
			map[string]any{"kind": "scheduling", "company": "Umbrella"}},
		{"sale", "From: Shop <deals@shop.example>\r\nList-Unsubscribe: <mailto:u@shop.example>\r\nSubject: Special offer\r\n\r\n" +
			"Our special offer: 40% off.\r\n", nil},
		{"owner's reply to followupd", "From: alex.morgan@example.org\r\nSubject: Re: Thank-you note\r\n" +
			"In-Reply-To: <r.abcdefghijklmnopqrstuvwxyz.0@example.org>\r\n\r\nnot a rejection, we are pleased to offer you\r\n", nil},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".eml")
			if err := os.WriteFile(p, []byte(tc.eml), 0o600); err != nil {
				t.Fatal(err)
			}
			r := Explainer{Config: ownerConfig(t), Now: testNow}.File(p)
			m := roundTrip(t, r)
			got, ok := m["employer"].(map[string]any)
			if tc.want == nil {
				if ok {
					t.Fatalf("employer = %v, want none", got)
				}
				return
			}
			if !ok {
				t.Fatalf("no employer object in %v", m)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("employer.%s = %v, want %v (%v)", k, got[k], v, got["reason"])
				}
			}
			if s, _ := got["reason"].(string); s == "" {
				t.Error("employer.reason is empty")
			}
			var b strings.Builder
			if err := WriteText(&b, r, testNow.Location()); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "employer's message: "+tc.want["kind"].(string)) {
				t.Errorf("text output lacks the employer line:\n%s", b.String())
			}
		})
	}
}
