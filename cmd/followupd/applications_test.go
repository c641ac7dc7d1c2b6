package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/followupd/followupd/store"
)

// `list --applications` shows each application's stage, last contact and
// next step, as text and as JSON.
func TestListApplications(t *testing.T) {
	cfg, db := reminderFixture(t)
	contact := time.Now().Add(-time.Hour).Truncate(time.Second)
	withTestStore(t, db, func(st *store.Store) {
		if _, err := st.ApplyEmployerMessage(context.Background(), store.EmployerMessage{MessageID: "<offer@acme>",
			InterviewID: 1, Kind: store.EmployerOffer, Company: "Acme", Date: contact, Now: time.Now()}, nil); err != nil {
			t.Fatal(err)
		}
	})
	code, out, errOut := runCLI(t, "list", "--config", cfg, "--applications")
	if code != 0 {
		t.Fatalf("list --applications: exit %d, %s", code, errOut)
	}
	for _, want := range []string{"Acme", "Offer", "last contact", "answer the offer", "interview #1", "Interviewing"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = runCLI(t, "list", "--config", cfg, "--applications", "--json")
	if code != 0 {
		t.Fatalf("list --applications --json: exit %d, %s", code, errOut)
	}
	var apps []map[string]any
	if err := json.Unmarshal([]byte(out), &apps); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(apps) != 1 {
		t.Fatalf("%d applications, want 1", len(apps))
	}
	a := apps[0]
	if a["company"] != "Acme" || a["stage"] != "offer" || a["last_contact"] != contact.UTC().Format(time.RFC3339) ||
		!strings.Contains(a["next_step"].(string), "salary") {
		t.Errorf("application = %v", a)
	}
	if h, _ := a["history"].([]any); len(h) != 2 {
		t.Errorf("history = %v, want interviewing then offer", a["history"])
	}
}
