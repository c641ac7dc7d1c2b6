package mailbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// CheckReport is what Check found on the server.
type CheckReport struct {
	// IDLE is whether the server offers IDLE (else the watcher polls).
	IDLE bool
	// Folders are the configured folders (Inbox, then Sent and Drafts when
	// set), each found or not.
	Folders []FolderCheck
}

// FolderCheck is one configured folder as Check found it.
type FolderCheck struct {
	Role     string // "inbox", "sent" or "drafts": the [imap.folders] key
	Name     string
	Messages uint32
	Err      error // nil when the folder could be selected
}

// Check connects and logs in the way the watcher does (TLS verified,
// [imap] ca_file honoured), asks whether IDLE is offered, selects each
// configured folder read-only and logs out. It changes nothing on the
// server. A failure to connect or log in is returned (a *LoginRefusedError
// when the server refused the credentials); a folder that cannot be
// selected is reported in its FolderCheck.
func (w *Watcher) Check(ctx context.Context) (CheckReport, error) {
	s, err := w.dialLogin(ctx, func() {})
	if err != nil {
		return CheckReport{}, err
	}
	defer s.close(true)
	rep := CheckReport{IDLE: s.canIdle()}
	for _, f := range []FolderCheck{{Role: "inbox", Name: w.cfg.Inbox}, {Role: "sent", Name: w.cfg.Sent},
		{Role: "drafts", Name: w.cfg.Drafts}} {
		if f.Name == "" {
			continue
		}
		data, err := s.selectFolder(f.Name)
		if err != nil {
			var ie *imap.Error
			if errors.As(err, &ie) {
				err = fmt.Errorf("the server says: %s", ie.Text)
			}
			f.Err = err
		} else {
			f.Messages = data.NumMessages
		}
		rep.Folders = append(rep.Folders, f)
	}
	return rep, nil
}
