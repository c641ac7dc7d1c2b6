package explain

import (
	"bytes"
	"fmt"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/detect"
	"github.com/followupd/followupd/employer"
	"github.com/followupd/followupd/interview"
	"github.com/followupd/followupd/mailbox"
	"github.com/followupd/followupd/replies"
)

// message explains a mail message: the interviews in its invitation parts
// and, when it answers another message, the reply command it carries.
func (e Explainer) message(r *Report, data []byte) error {
	m, err := mailbox.ReadMessage(bytes.NewReader(data), 0)
	if err != nil {
		return fmt.Errorf("%w: %v", errNotMessage, err)
	}
	for _, l := range m.Limits {
		r.Problems = append(r.Problems, fmt.Sprintf("message parts skipped: the %s limit was reached", l))
	}
	// Clients often carry one invitation twice (Gmail: an inline
	// text/calendar part and an invite.ics attachment): each event is shown
	// once, in its newest version.
	var ivs []interview.Interview
	skipped := map[string]bool{}
	for i, inv := range m.Invitations {
		cal, err := calendar.Parse(inv, calendar.ReadOptions(e.Config, e.Now))
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("invitation part %d: %v", i+1, err))
			continue
		}
		for _, p := range cal.Problems {
			r.Problems = append(r.Problems, problemText(p))
		}
		res := detect.Detect(cal, e.Config)
		ivs = append(ivs, res.Interviews...)
		for _, s := range res.Skipped {
			if k := s.UID + "\x00" + s.Summary; !skipped[k] {
				skipped[k] = true
				r.Skipped = append(r.Skipped, Skipped{UID: s.UID, Summary: s.Summary, Reason: s.Reason})
			}
		}
	}
	for _, iv := range interview.Latest(ivs) {
		r.Interviews = append(r.Interviews, e.interviewJSON(iv))
	}
	rep, err := replies.Read(bytes.NewReader(data), replies.RulesFrom(e.Config, e.Now))
	if err == nil && rep.IsReply() {
		x := rep.Explain()
		r.Reply = &x
	}
	if len(m.Invitations) == 0 && !employer.RepliesToFollowupd(m.Header) {
		if v := employer.Classify(employer.FromMail(m.Header, m.Text, m.HTML)); v.Employer {
			r.Employer = &Employer{Kind: string(v.Kind), Company: v.Company, Reason: v.Reason}
		}
	}
	return nil
}
