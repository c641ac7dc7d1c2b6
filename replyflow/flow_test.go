package replyflow

import (
	"strings"
	"testing"

	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailer"
)

func TestReplyHonorificForAPanel(t *testing.T) {
	ivs := []interview.Interviewer{
		{Name: "Jane Doe", Email: "jane@acme.example", Honorific: interview.Ms},
		{Name: "John Roe", Email: "john@acme.example"},
		{Name: "Ann Poe", Email: "ann@acme.example"},
	}
	tests := []struct {
		line string
		want int
	}{
		{"dr", 1},             // the first with no honorific
		{"Dr Poe", 2},         // named
		{"ms. doe, sorry", 0}, // named, though known
	}
	for _, tt := range tests {
		if got := honorificTarget(ivs, tt.line); got != tt.want {
			t.Errorf("honorificTarget(%q) = %d, want %d", tt.line, got, tt.want)
		}
	}
	all := []interview.Interviewer{ivs[0]}
	if got := honorificTarget(all, "mr"); got != 0 {
		t.Errorf("single known interviewer: %d, want 0", got)
	}
	if got := honorificTarget(nil, "mr"); got != -1 {
		t.Errorf("no interviewer: %d, want -1", got)
	}
}

func TestTokenOf(t *testing.T) {
	tok := "abcdefghijklmnopqrstuvwxyz"
	tests := []struct {
		id, want string
		ok       bool
	}{
		{"r." + tok + ".0@followupd.example.org", tok, true},
		{"<R." + strings.ToUpper(tok) + ".12@Followupd.Example.org>", tok, true},
		{"r." + tok + ".ack-0123456789abcdef@x", tok, true},
		{"r." + tok + "@x", "", false},             // no suffix
		{"r.short.0@x", "", false},                 // too short to be a token
		{"d.0123456789abcdef.draft1@x", "", false}, // a draft
		{"r." + tok + ".0", "", false},             // no domain
		{"r.abc$defghijklmnopqrstuvwxyz.0@x", "", false},
	}
	for _, tt := range tests {
		got, ok := mailer.TokenOf(tt.id)
		if got != tt.want || ok != tt.ok {
			t.Errorf("mailer.TokenOf(%q) = %q, %v; want %q, %v", tt.id, got, ok, tt.want, tt.ok)
		}
	}
	a := mailer.AnswerID(tok, "ack", "reply@x", "d.example")
	if got, ok := mailer.TokenOf(a); !ok || got != tok {
		t.Errorf("AnswerID %q does not carry its token", a)
	}
	if mailer.AnswerID(tok, "ack", "reply@x", "d.example") != a || mailer.AnswerID(tok, "ack", "other@x", "d.example") == a {
		t.Error("AnswerID is not a function of the answered message")
	}
}
