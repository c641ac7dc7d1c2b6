package store

import (
	"strings"

	"github.com/followupd/followupd/interview"
)

// stateSet is the SQL text of an IN-set of reminder states, built from the
// lists in package interview so that no query spells a set out by hand:
// stateSet(interview.WaitingStates()) is "('pending', 'sent')". The states
// are constants of ours, never input, and hold no quote.
func stateSet(states []interview.State) string {
	quoted := make([]string, len(states))
	for i, s := range states {
		quoted[i] = "'" + strings.ReplaceAll(string(s), "'", "''") + "'"
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}

// The IN-sets the store's queries use.
var (
	openSet       = stateSet(interview.OpenStates())
	waitingSet    = stateSet(interview.WaitingStates())
	answerableSet = stateSet(interview.AnswerableStates())
	snoozableSet  = stateSet(interview.SnoozableStates())
	givenUpSet    = stateSet(interview.GivenUpStates())
)
