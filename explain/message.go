package explain

import (
	"bytes"
	"fmt"

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
	for i, inv := range m.Invitations {
		var part Report
		if err := e.calendar(&part, inv); err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("invitation part %d: %v", i+1, err))
			continue
		}
		r.Interviews = append(r.Interviews, part.Interviews...)
		r.Skipped = append(r.Skipped, part.Skipped...)
		r.Problems = append(r.Problems, part.Problems...)
	}
	rep, err := replies.Read(bytes.NewReader(data), replies.RulesFrom(e.Config, e.Now))
	if err == nil && rep.IsReply() {
		x := rep.Explain()
		r.Reply = &x
	}
	return nil
}
