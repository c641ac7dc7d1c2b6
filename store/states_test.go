package store

import (
	"testing"

	"github.com/followupd/followupd/interview"
)

func TestStateSet(t *testing.T) {
	if got, want := stateSet(interview.WaitingStates()), "('pending', 'sent')"; got != want {
		t.Errorf("waiting set %s, want %s", got, want)
	}
	if got, want := answerableSet, "('pending', 'sending', 'sent', 'failed', 'expired')"; got != want {
		t.Errorf("answerable set %s, want %s", got, want)
	}
	if got, want := snoozableSet, "('pending', 'sent', 'failed', 'expired')"; got != want {
		t.Errorf("snoozable set %s, want %s", got, want)
	}
	if got, want := stateSet([]interview.State{"o'clock"}), "('o''clock')"; got != want {
		t.Errorf("quoting: %s, want %s", got, want)
	}
}
