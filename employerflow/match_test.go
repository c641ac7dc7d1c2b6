package employerflow

import (
	"testing"
	"time"

	emp "github.com/followupd/followupd/employer"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/store"
)

func rec(id int64, company, email string, start time.Time, status interview.Status) store.InterviewRecord {
	var r store.InterviewRecord
	r.ID, r.Company, r.Start, r.Status = id, company, start, status
	r.Interviewers = []interview.Interviewer{{Name: "Someone", Email: email}}
	return r
}

// The interview an employer's message is about: the interviewer's own
// address beats the company's domain, which beats the company's name;
// cancelled interviews never match; on a tie the latest one already held.
func TestMatchInterview(t *testing.T) {
	date := time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	acmeOld := rec(1, "Acme Corp", "jane@acme.example", date.Add(-20*day), interview.Scheduled)
	acmeNew := rec(2, "Acme Corp", "john@acme.example", date.Add(-3*day), interview.Scheduled)
	acmeNext := rec(3, "Acme Corp", "ann@acme.example", date.Add(5*day), interview.Scheduled)
	globex := rec(4, "Globex", "hr@globex.example", date.Add(-2*day), interview.Scheduled)
	gone := rec(5, "Initech", "bob@initech.example", date.Add(-1*day), interview.Cancelled)
	all := []store.InterviewRecord{acmeOld, acmeNew, acmeNext, globex, gone}
	tests := []struct {
		name, from, company string
		want                int64 // 0: none
	}{
		{"the interviewer wrote", "jane@acme.example", "", 1},
		{"same domain, latest held", "talent@acme.example", "", 2},
		{"company name only", "noreply@ats.example", "Acme", 2},
		{"another company", "hr@globex.example", "Globex", 4},
		{"cancelled interview", "bob@initech.example", "Initech", 0},
		{"nobody", "someone@unrelated.example", "Unrelated", 0},
	}
	for _, tt := range tests {
		got, ok := matchInterview(all, tt.from, emp.Verdict{Employer: true, Company: tt.company}, date)
		if tt.want == 0 {
			if ok {
				t.Errorf("%s: matched interview %d, want none", tt.name, got.ID)
			}
			continue
		}
		if !ok || got.ID != tt.want {
			t.Errorf("%s: matched %d (%v), want %d", tt.name, got.ID, ok, tt.want)
		}
	}
}
