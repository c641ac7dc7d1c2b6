package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/followupd/followupd/interview"
)

// Report is what one source said in one go: one fetch of a calendar, or the
// invitations found in one batch of mail.
type Report struct {
	// Source names who reported: "calendar:NAME" or "imap:FOLDER". Only a
	// "calendar:" source can make an interview vanish.
	Source string
	// Complete is true when Interviews is the whole content of a calendar:
	// what this source reported before and does not report now has vanished,
	// even when it reports no interview at all (the last one was deleted).
	// The caller decides, and is the one guard against a bad answer: set it
	// only after a fetch that succeeded, was read to the end without a broken
	// event, and held at least one event, interview or not. A failed or
	// partial fetch, or an export with no events at all (an empty answer from
	// a broken server), is not a report, or a report with Complete false:
	// Apply cannot tell an empty answer from a calendar whose events are none
	// of them interviews.
	Complete   bool
	Interviews []interview.Interview
	// Cancelled are cancelled (METHOD:CANCEL without a version, for
	// instance) when known, whether or not they are in Interviews. An
	// Interview with Status cancelled is the better form when the version
	// (SEQUENCE, DTSTAMP) is known: a stale cancellation then loses to a
	// newer invitation.
	Cancelled []interview.Key
}

// Planner returns the reminders an interview should have and when they fall
// due; package scheduler provides it. It must return at most one reminder of
// each kind. A nil Planner plans none.
type Planner func(interview.Interview) []interview.Reminder

// Change says what Apply did with one key, for logs and tests.
type Change struct {
	Key  interview.Key
	What string // one of the Change constants
}

// What Apply did with a key (Change.What).
const (
	ChangeNew            = "new"              // first seen; reminders planned
	ChangeNewCancelled   = "new-cancelled"    // first seen already cancelled; stored without reminders
	ChangeUpdated        = "updated"          // a newer version; times unchanged, reminders untouched
	ChangeRescheduled    = "rescheduled"      // a newer version with other times; pending reminders moved
	ChangeCancelled      = "cancelled"        // cancelled; pending reminders cancelled
	ChangeCancelAfterEnd = "cancel-after-end" // a cancellation after the interview ended; nothing changed, source recorded
	ChangeRevived        = "revived"          // cancelled before, scheduled again; reminders planned afresh
	ChangeUnchanged      = "unchanged"        // the version already stored; source recorded
	ChangeOlder          = "unchanged-older"  // an older version; data kept, source recorded
	ChangeVanished       = "vanished"         // gone from its calendar before it started: cancelled
	ChangeVanishedKept   = "vanished-kept"    // gone from this source, kept (started, another calendar lists it, or already cancelled)
	ChangeUnknown        = "cancel-unknown"   // a cancellation of a key never stored; nothing done
	ChangeInvalid        = "invalid"          // no UID, no start or end, end before start, unknown status: skipped
)

// calendarPrefix starts the Source of a calendar, the owner's truth: only
// vanishing from a calendar cancels an interview.
const calendarPrefix = "calendar:"

// Apply merges a report into the store in one transaction and returns what
// it did with each key, in order: the interviews, the cancellations, then
// those that vanished.
//
// The same key from any source is one interview. A higher SEQUENCE (on a tie
// a later DTSTAMP) replaces the stored data, except that a newer version
// without company, position, phone or interviewers keeps the stored ones,
// and interviewers keep an honorific the newer version lacks. An older or
// equal version only records the source. A move of start or end re-plans the
// reminders: pending ones take the new due time (even one already past: the
// dispatcher sends a missed reminder once); those that left pending are never
// touched, so a reminder already sent is never sent again because of a merge.
// A cancellation (newer version with Status cancelled, or Report.Cancelled)
// cancels the pending reminders, but only before the interview ends: a
// cancellation of one whose stored end is at or before now (the clean-up a
// recruiting tool sends after the fact) changes neither the data nor the
// status, only records the source, and its follow-ups go out
// (ChangeCancelAfterEnd). A Complete calendar report that no longer lists an
// interview that has not started cancels it unless another calendar still
// lists it; an invitation alone does not keep it alive. A cancelled interview
// comes back with a newer scheduled version, or, when it was cancelled by
// vanishing, as soon as a calendar lists it again; see replan for what
// happens to its reminders.
//
// now stamps the rows and decides what has started and ended. A bad interview (see
// ChangeInvalid) is skipped and does not vanish; an error rolls back the
// whole report.
func (s *Store) Apply(ctx context.Context, r Report, now time.Time, plan Planner) ([]Change, error) {
	if r.Source == "" {
		return nil, errors.New("apply report: no source")
	}
	ctx, cancel := withTimeout(ctx)
	defer cancel()
	var changes []Change
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		m := &merger{ctx: ctx, tx: tx, source: r.Source, now: now.UTC().Truncate(time.Second), plan: plan}
		var err error
		changes, err = m.apply(r)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("apply report from %s: %w", r.Source, err)
	}
	return changes, nil
}

// merger is one Apply in progress.
type merger struct {
	ctx    context.Context
	tx     *sql.Tx
	source string
	now    time.Time
	plan   Planner
}

// keyText is a key as stored.
type keyText struct{ uid, recurrence string }

func keyOf(k interview.Key) keyText {
	kt := keyText{uid: k.UID}
	if !k.RecurrenceID.IsZero() {
		kt.recurrence = timeText(k.RecurrenceID)
	}
	return kt
}

func (m *merger) apply(r Report) ([]Change, error) {
	var changes []Change
	reported := make(map[keyText]bool)
	for _, iv := range r.Interviews {
		iv, ok := normalize(iv)
		if iv.UID != "" {
			// Even a bad version is still listed: it has not vanished.
			reported[keyOf(iv.Key)] = true
		}
		if !ok {
			changes = append(changes, Change{iv.Key, ChangeInvalid})
			continue
		}
		what, err := m.merge(iv)
		if err != nil {
			return nil, fmt.Errorf("merge %s: %w", iv.Key, err)
		}
		changes = append(changes, Change{iv.Key, what})
	}
	for _, k := range r.Cancelled {
		k = normalizeKey(k)
		if k.UID == "" {
			changes = append(changes, Change{k, ChangeInvalid})
			continue
		}
		reported[keyOf(k)] = true
		what, err := m.cancel(k)
		if err != nil {
			return nil, fmt.Errorf("cancel %s: %w", k, err)
		}
		changes = append(changes, Change{k, what})
	}
	if r.Complete {
		vanished, err := m.vanish(reported)
		if err != nil {
			return nil, err
		}
		changes = append(changes, vanished...)
	}
	return changes, nil
}

// normalize brings times to UTC seconds, as they are stored, so that versions
// and times compare equal after a round trip; ok is false for an interview
// that cannot be stored.
func normalize(iv interview.Interview) (_ interview.Interview, ok bool) {
	iv.Key = normalizeKey(iv.Key)
	iv.Stamp = utcSecond(iv.Stamp)
	iv.Start = utcSecond(iv.Start)
	iv.End = utcSecond(iv.End)
	if iv.Status == "" {
		iv.Status = interview.Scheduled
	}
	ivs := make([]interview.Interviewer, len(iv.Interviewers))
	for i, p := range iv.Interviewers {
		// Canonical form ("Ms."), or none for what is not an honorific.
		p.Honorific, _ = interview.ParseHonorific(string(p.Honorific))
		ivs[i] = p
	}
	iv.Interviewers = ivs
	ok = iv.UID != "" && !iv.Start.IsZero() && !iv.End.IsZero() && !iv.End.Before(iv.Start) &&
		(iv.Status == interview.Scheduled || iv.Status == interview.Cancelled)
	return iv, ok
}

func normalizeKey(k interview.Key) interview.Key {
	k.RecurrenceID = utcSecond(k.RecurrenceID)
	return k
}

func utcSecond(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Second)
}

// load reads the stored interview with key k; found is false when there is none.
func (m *merger) load(k interview.Key) (rec InterviewRecord, found bool, err error) {
	kt := keyOf(k)
	recs, err := loadInterviews(m.ctx, m.tx, "WHERE i.uid = ? AND i.recurrence_id = ?", []any{kt.uid, kt.recurrence})
	if err != nil || len(recs) == 0 {
		return InterviewRecord{}, false, err
	}
	return recs[0], true, nil
}

func (m *merger) merge(iv interview.Interview) (string, error) {
	old, found, err := m.load(iv.Key)
	if err != nil {
		return "", err
	}
	if !found {
		return m.insert(iv)
	}
	if err := m.touch(old.ID); err != nil {
		return "", err
	}
	newer := interview.Newer(iv, old.Interview)
	// A calendar listing again what vanished from a calendar brings it back,
	// whatever its version: vanishing was our inference, not the organizer's.
	reappeared := !newer && old.Status == interview.Cancelled && old.CancelReason == CancelledByVanish &&
		strings.HasPrefix(m.source, calendarPrefix) && iv.Status == interview.Scheduled
	if !newer && !reappeared {
		if iv.Sequence == old.Sequence && iv.Stamp.Equal(old.Stamp) {
			return ChangeUnchanged, nil
		}
		return ChangeOlder, nil
	}

	if newer && iv.Status == interview.Cancelled && old.Status == interview.Scheduled && m.ended(old) {
		return ChangeCancelAfterEnd, nil
	}

	data := old.Interview
	if newer {
		data = fillIn(iv, old.Interview)
	}
	data.Status = interview.Scheduled
	if (newer && iv.Status == interview.Cancelled) || old.CancelReason == CancelledByOwner {
		data.Status = interview.Cancelled
	}
	reason := old.CancelReason
	switch {
	case data.Status == interview.Scheduled:
		reason = ""
	case old.CancelReason == CancelledByOwner:
	case newer && iv.Status == interview.Cancelled:
		reason = CancelledByEvent
	}
	if err := m.update(old.ID, data, reason); err != nil {
		return "", err
	}
	if newer {
		if err := m.writeInterviewers(old.ID, data.Interviewers); err != nil {
			return "", err
		}
	}

	switch {
	case old.Status == interview.Scheduled && data.Status == interview.Cancelled:
		return ChangeCancelled, m.cancelPending(old.ID)
	case old.Status == interview.Cancelled && data.Status == interview.Scheduled:
		return ChangeRevived, m.replan(old.ID, data)
	case data.Status == interview.Scheduled && (!data.Start.Equal(old.Start) || !data.End.Equal(old.End)):
		return ChangeRescheduled, m.replan(old.ID, data)
	}
	return ChangeUpdated, nil
}

// fillIn returns iv, keeping from old what iv leaves out that depends on how
// much a source tells (an export may carry no attendees where the invitation
// did), and an honorific learned before.
func fillIn(iv, old interview.Interview) interview.Interview {
	if iv.Company == "" {
		iv.Company = old.Company
	}
	if iv.Position == "" {
		iv.Position = old.Position
	}
	if iv.Phone == "" {
		iv.Phone = old.Phone
	}
	if len(iv.Interviewers) == 0 {
		iv.Interviewers = old.Interviewers
		return iv
	}
	for i, p := range iv.Interviewers {
		if p.Honorific != interview.NoHonorific {
			continue
		}
		for _, o := range old.Interviewers {
			if samePerson(p, o) && o.Honorific != interview.NoHonorific {
				iv.Interviewers[i].Honorific = o.Honorific
				break
			}
		}
	}
	return iv
}

func samePerson(a, b interview.Interviewer) bool {
	if a.Email != "" || b.Email != "" {
		return strings.EqualFold(a.Email, b.Email)
	}
	return a.Name != "" && a.Name == b.Name
}

func (m *merger) insert(iv interview.Interview) (string, error) {
	kt := keyOf(iv.Key)
	reason := ""
	if iv.Status == interview.Cancelled {
		reason = CancelledByEvent
	}
	now := timeText(m.now)
	res, err := m.tx.ExecContext(m.ctx, `INSERT INTO interviews (uid, recurrence_id, sequence, dtstamp,
		status, cancel_reason, summary, description, location, company, position, phone,
		start_at, end_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		kt.uid, kt.recurrence, iv.Sequence, nullTime(iv.Stamp), string(iv.Status), reason,
		iv.Summary, iv.Description, iv.Location, iv.Company, iv.Position, iv.Phone,
		timeText(iv.Start), timeText(iv.End), now, now)
	if err != nil {
		return "", fmt.Errorf("insert interview: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", fmt.Errorf("insert interview: %w", err)
	}
	if err := m.writeInterviewers(id, iv.Interviewers); err != nil {
		return "", err
	}
	if err := m.touch(id); err != nil {
		return "", err
	}
	if iv.Status == interview.Cancelled {
		return ChangeNewCancelled, nil
	}
	return ChangeNew, m.replan(id, iv)
}

// update writes an interview's data and status; the owner's fields are left alone.
func (m *merger) update(id int64, iv interview.Interview, reason string) error {
	_, err := m.tx.ExecContext(m.ctx, `UPDATE interviews SET sequence = ?, dtstamp = ?, status = ?,
		cancel_reason = ?, summary = ?, description = ?, location = ?, company = ?, position = ?,
		phone = ?, start_at = ?, end_at = ?, updated_at = ? WHERE id = ?`,
		iv.Sequence, nullTime(iv.Stamp), string(iv.Status), reason, iv.Summary, iv.Description,
		iv.Location, iv.Company, iv.Position, iv.Phone, timeText(iv.Start), timeText(iv.End),
		timeText(m.now), id)
	if err != nil {
		return fmt.Errorf("update interview %d: %w", id, err)
	}
	return nil
}

func (m *merger) writeInterviewers(id int64, ivs []interview.Interviewer) error {
	if _, err := m.tx.ExecContext(m.ctx, "DELETE FROM interviewers WHERE interview_id = ?", id); err != nil {
		return fmt.Errorf("replace interviewers of %d: %w", id, err)
	}
	for i, p := range ivs {
		_, err := m.tx.ExecContext(m.ctx, `INSERT INTO interviewers (interview_id, position, name, email, honorific)
			VALUES (?, ?, ?, ?, ?)`, id, i, p.Name, p.Email, string(p.Honorific))
		if err != nil {
			return fmt.Errorf("insert interviewer of %d: %w", id, err)
		}
	}
	return nil
}

// touch records that this report's source lists the interview.
func (m *merger) touch(id int64) error {
	_, err := m.tx.ExecContext(m.ctx, `INSERT INTO interview_sources (interview_id, source, last_seen)
		VALUES (?, ?, ?) ON CONFLICT (interview_id, source) DO UPDATE SET last_seen = excluded.last_seen`,
		id, m.source, timeText(m.now))
	if err != nil {
		return fmt.Errorf("record source of %d: %w", id, err)
	}
	return nil
}

// cancel handles a key in Report.Cancelled.
func (m *merger) cancel(k interview.Key) (string, error) {
	old, found, err := m.load(k)
	if err != nil {
		return "", err
	}
	if !found {
		return ChangeUnknown, nil
	}
	if err := m.touch(old.ID); err != nil {
		return "", err
	}
	if old.Status == interview.Cancelled {
		return ChangeUnchanged, nil
	}
	if m.ended(old) {
		return ChangeCancelAfterEnd, nil
	}
	return ChangeCancelled, m.setCancelled(old.ID, CancelledByEvent)
}

// ended reports whether a stored interview has ended: too late for a
// cancellation, which may only come before the end.
func (m *merger) ended(rec InterviewRecord) bool {
	return !rec.End.After(m.now)
}

func (m *merger) setCancelled(id int64, reason string) error {
	_, err := m.tx.ExecContext(m.ctx, `UPDATE interviews SET status = ?, cancel_reason = ?, updated_at = ?
		WHERE id = ?`, string(interview.Cancelled), reason, timeText(m.now), id)
	if err != nil {
		return fmt.Errorf("cancel interview %d: %w", id, err)
	}
	return m.cancelPending(id)
}

// cancelPending cancels the reminders of an interview that have not left
// pending. One in flight (sending) is the dispatcher's to finish.
func (m *merger) cancelPending(id int64) error {
	_, err := m.tx.ExecContext(m.ctx, `UPDATE reminders SET state = ?, resolved_at = ?
		WHERE interview_id = ? AND state = ?`, StateCancelled, timeText(m.now), id, StatePending)
	if err != nil {
		return fmt.Errorf("cancel reminders of %d: %w", id, err)
	}
	return nil
}

// vanish drops this source from the interviews it listed before and not in
// this complete report, and cancels those that have not started and that no
// calendar lists any more.
func (m *merger) vanish(reported map[keyText]bool) ([]Change, error) {
	type listed struct {
		id     int64
		key    keyText
		status string
		start  string
	}
	rows, err := m.tx.QueryContext(m.ctx, `SELECT i.id, i.uid, i.recurrence_id, i.status, i.start_at
		FROM interview_sources s JOIN interviews i ON i.id = s.interview_id
		WHERE s.source = ? ORDER BY i.start_at, i.id`, m.source)
	if err != nil {
		return nil, fmt.Errorf("query listed interviews: %w", err)
	}
	var gone []listed
	for rows.Next() {
		var l listed
		if err := rows.Scan(&l.id, &l.key.uid, &l.key.recurrence, &l.status, &l.start); err != nil {
			return nil, joinClose(fmt.Errorf("read listed interview: %w", err), rows)
		}
		if !reported[l.key] {
			gone = append(gone, l)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, joinClose(fmt.Errorf("read listed interviews: %w", err), rows)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read listed interviews: %w", err)
	}

	var changes []Change
	for _, l := range gone {
		k := interview.Key{UID: l.key.uid}
		if l.key.recurrence != "" {
			if k.RecurrenceID, err = parseTime(l.key.recurrence); err != nil {
				return nil, err
			}
		}
		start, err := parseTime(l.start)
		if err != nil {
			return nil, err
		}
		if _, err := m.tx.ExecContext(m.ctx, `DELETE FROM interview_sources WHERE interview_id = ? AND source = ?`,
			l.id, m.source); err != nil {
			return nil, fmt.Errorf("drop source of %d: %w", l.id, err)
		}
		if !strings.HasPrefix(m.source, calendarPrefix) || l.status != string(interview.Scheduled) || !start.After(m.now) {
			changes = append(changes, Change{k, ChangeVanishedKept})
			continue
		}
		var calendars int
		err = m.tx.QueryRowContext(m.ctx, `SELECT count(*) FROM interview_sources
			WHERE interview_id = ? AND substr(source, 1, ?) = ?`,
			l.id, len(calendarPrefix), calendarPrefix).Scan(&calendars)
		if err != nil {
			return nil, fmt.Errorf("count calendars of %d: %w", l.id, err)
		}
		if calendars > 0 {
			changes = append(changes, Change{k, ChangeVanishedKept})
			continue
		}
		if err := m.setCancelled(l.id, CancelledByVanish); err != nil {
			return nil, err
		}
		changes = append(changes, Change{k, ChangeVanished})
	}
	return changes, nil
}
