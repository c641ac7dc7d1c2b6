package store

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/followupd/followupd/interview"
)

// newToken returns a fresh reply token: 26 characters of lower-case base32,
// 130 random bits from crypto/rand. Lower case, because a Message-ID may be
// case-folded on its way back.
func newToken() string {
	return strings.ToLower(rand.Text())
}

// replan gives a scheduled interview the reminders the planner asks for:
// a missing kind is created pending; a pending one takes the new due time; a
// cancelled one that never went out (no sent_at, no nudge) becomes pending
// afresh, keeping its token, so that a reply to an email whose send was cut
// off by the cancellation still finds it; one that has left pending otherwise
// is not touched. A cancelled reminder that went out stays cancelled when its
// interview comes back: it is never sent twice, and its token still names it.
// A pending reminder of a kind the planner no longer asks for is cancelled.
func (m *merger) replan(id int64, iv interview.Interview) error {
	var planned []interview.Reminder
	if m.plan != nil {
		planned = m.plan(iv)
	}
	want := make(map[interview.ReminderKind]bool, len(planned))
	for _, p := range planned {
		switch {
		case p.Kind != interview.ThankYou && p.Kind != interview.FollowUpCall:
			return fmt.Errorf("plan reminders: unknown kind %q", p.Kind)
		case p.Due.IsZero():
			return fmt.Errorf("plan reminders: %s has no due time", p.Kind)
		case want[p.Kind]:
			return fmt.Errorf("plan reminders: %s planned twice", p.Kind)
		}
		want[p.Kind] = true
	}

	type stored struct {
		id    int64
		state interview.State
		went  bool // the reminder email or a nudge went out
	}
	have := make(map[interview.ReminderKind]stored)
	rows, err := m.tx.QueryContext(m.ctx, `SELECT id, kind, state, sent_at IS NOT NULL OR nags_sent > 0
		FROM reminders WHERE interview_id = ?`, id)
	if err != nil {
		return fmt.Errorf("query reminders of %d: %w", id, err)
	}
	for rows.Next() {
		var (
			r    stored
			kind string
		)
		if err := rows.Scan(&r.id, &kind, &r.state, &r.went); err != nil {
			return joinClose(fmt.Errorf("read reminder of %d: %w", id, err), rows)
		}
		have[interview.ReminderKind(kind)] = r
	}
	if err := rows.Err(); err != nil {
		return joinClose(fmt.Errorf("read reminders of %d: %w", id, err), rows)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("read reminders of %d: %w", id, err)
	}

	for _, p := range planned {
		due := timeText(p.Due)
		r, ok := have[p.Kind]
		switch {
		case !ok:
			_, err = m.tx.ExecContext(m.ctx, `INSERT INTO reminders (interview_id, kind, state, due, token)
				VALUES (?, ?, ?, ?, ?)`, id, string(p.Kind), StatePending, due, newToken())
		case r.state == StatePending:
			_, err = m.tx.ExecContext(m.ctx, `UPDATE reminders SET due = ?, next_attempt = NULL WHERE id = ?`,
				due, r.id)
		case r.state == StateCancelled && !r.went:
			_, err = m.tx.ExecContext(m.ctx, `UPDATE reminders SET state = ?, due = ?, attempts = 0,
				next_attempt = NULL, last_error = '', message_id = '', snoozed = 0, resolved_at = NULL,
				outcome = '' WHERE id = ? AND state = ? AND sent_at IS NULL AND nags_sent = 0`,
				StatePending, due, r.id, StateCancelled)
		}
		if err != nil {
			return fmt.Errorf("plan %s reminder of %d: %w", p.Kind, id, err)
		}
	}
	for kind, r := range have {
		if r.state != StatePending || want[kind] {
			continue
		}
		_, err := m.tx.ExecContext(m.ctx, `UPDATE reminders SET state = ?, resolved_at = ? WHERE id = ?`,
			StateCancelled, timeText(m.now), r.id)
		if err != nil {
			return fmt.Errorf("cancel unplanned %s reminder of %d: %w", kind, id, err)
		}
	}
	return nil
}
