package interview

import (
	"slices"
	"time"
)

// State is where a stored reminder stands in its lifecycle. A reminder
// starts pending; only a pending one moves with a reschedule or is cancelled
// with its interview. Once it has left pending it never returns there,
// except a cancelled one planned again for a revived interview (a cancelled
// reminder was never sent), and a failed or expired one the owner snoozes.
type State string

// The reminder states.
const (
	StatePending   State = "pending"   // waiting for its due time (or its next attempt after a failure)
	StateSending   State = "sending"   // an attempt is recorded and in flight
	StateSent      State = "sent"      // the reminder email went out; awaiting the owner
	StateConfirmed State = "confirmed" // the owner confirmed the follow-up was done
	StateSkipped   State = "skipped"   // the owner skipped it
	StateExpired   State = "expired"   // nobody answered within the nag limit
	StateCancelled State = "cancelled" // the interview was cancelled, or the plan dropped it, before it was sent
	StateFailed    State = "failed"    // sending was given up
)

// The sets of states the rest of the program asks about, defined once. The
// store builds its SQL IN-sets from these lists.
var (
	// openStates are not resolved: followupd may still send something.
	openStates = []State{StatePending, StateSending, StateSent}
	// waitingStates are open and not in flight: what a snooze, an expiry or
	// the employer's news may move or close.
	waitingStates = []State{StatePending, StateSent}
	// answerableStates are those the owner may still confirm, skip or
	// snooze: the open ones, and those the dispatcher gave up on.
	answerableStates = []State{StatePending, StateSending, StateSent, StateFailed, StateExpired}
	// givenUpStates are resolved by the dispatcher without an answer.
	givenUpStates = []State{StateFailed, StateExpired}
	// snoozableStates are the answerable ones not in flight: waiting, or
	// given up (a snooze takes a failed or expired reminder up again).
	snoozableStates = slices.Concat(waitingStates, givenUpStates)
)

// OpenStates lists the states that are not resolved: pending, sending, sent.
func OpenStates() []State { return slices.Clone(openStates) }

// WaitingStates lists the open states that are not in flight: pending, sent.
func WaitingStates() []State { return slices.Clone(waitingStates) }

// AnswerableStates lists the states the owner may still act on: the open
// ones, failed and expired.
func AnswerableStates() []State { return slices.Clone(answerableStates) }

// GivenUpStates lists the states the dispatcher resolves a reminder to
// without the owner's answer: failed, expired.
func GivenUpStates() []State { return slices.Clone(givenUpStates) }

// SnoozableStates lists the states a snooze applies to: the answerable
// ones except sending.
func SnoozableStates() []State { return slices.Clone(snoozableStates) }

// Open reports whether s is not resolved: followupd may still send
// something for the reminder.
func (s State) Open() bool { return slices.Contains(openStates, s) }

// Waiting reports whether s is open and not in flight.
func (s State) Waiting() bool { return slices.Contains(waitingStates, s) }

// Answerable reports whether the owner may still confirm, skip or snooze a
// reminder in state s.
func (s State) Answerable() bool { return slices.Contains(answerableStates, s) }

// ResolvableFrom lists the states from which a reminder may reach the
// resolved state to, and false when to is not a resolved state. The owner
// may confirm or skip a follow-up at any time before it is resolved another
// way, also after it failed or expired; the dispatcher expires only what is
// waiting (not in flight); a cancellation ends whatever is still open.
func ResolvableFrom(to State) ([]State, bool) {
	switch to {
	case StateConfirmed, StateSkipped:
		return AnswerableStates(), true
	case StateExpired:
		return WaitingStates(), true
	case StateCancelled:
		return OpenStates(), true
	}
	return nil, false
}

// NextSend is when followupd next acts on a reminder, before quiet hours
// move it: for a pending one its next attempt (a retry or a snooze) or else
// its due time; for a sent one its next attempt (set when the last send went
// out, or by a snooze) or else nagEvery after each send so far, which is
// when its next nudge, or its expiry after the last nudge, falls due. It is
// zero for any other state: in flight, or resolved.
func NextSend(s State, due, nextAttempt, sentAt time.Time, nagsSent int, nagEvery time.Duration) time.Time {
	switch s {
	case StatePending:
		if !nextAttempt.IsZero() {
			return nextAttempt
		}
		return due
	case StateSent:
		if !nextAttempt.IsZero() {
			return nextAttempt
		}
		return sentAt.Add(time.Duration(nagsSent+1) * nagEvery)
	}
	return time.Time{}
}
