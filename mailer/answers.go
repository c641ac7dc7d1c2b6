package mailer

import (
	"strings"
)

// Sentence names one sentence of the answers to the owner's commands: a
// template "answer.NAME" of templates/answers.txt.tmpl.
type Sentence string

// The sentences; see templates/answers.txt.tmpl for their words.
const (
	SayNothingToMark     Sentence = "nothing-to-mark"
	SayOffer             Sentence = "offer"
	SayOfferNext         Sentence = "offer-next"
	SayNoOffer           Sentence = "no-offer"
	SayNoOfferNext       Sentence = "no-offer-next"
	SayThankYouSent      Sentence = "thankyou-sent"
	SayCallDone          Sentence = "call-done"
	SayAlreadyClosed     Sentence = "already-closed"
	SayWasCancelled      Sentence = "was-cancelled"
	SayIsState           Sentence = "is-state"
	SayAlreadyState      Sentence = "already-state"
	SaySnoozed           Sentence = "snoozed"
	SaySnoozeSending     Sentence = "snooze-sending"
	SaySkipped           Sentence = "skipped"
	SayCancelled         Sentence = "cancelled"
	SayAlreadyCancelled  Sentence = "already-cancelled"
	SayNotesSaved        Sentence = "notes-saved"
	SayNotesInOutline    Sentence = "notes-in-outline"
	SayNotesKept         Sentence = "notes-kept"
	SayRegisterSame      Sentence = "register-same"
	SayRegisterFormal    Sentence = "register-formal"
	SayRegisterCasual    Sentence = "register-casual"
	SayRegisterResend    Sentence = "register-resend"
	SayRegisterLater     Sentence = "register-later"
	SayHonorificSame     Sentence = "honorific-same"
	SayHonorificSet      Sentence = "honorific-set"
	SayHonorificResend   Sentence = "honorific-resend"
	SayHonorificLater    Sentence = "honorific-later"
	SayHonorificAsk      Sentence = "honorific-ask"
	SayHonorificNobody   Sentence = "honorific-nobody"
	SayNothingChanged    Sentence = "nothing-changed"
	SayNothingMore       Sentence = "nothing-more"
	SayNextThankYou      Sentence = "next-thankyou"
	SayNextCall          Sentence = "next-call"
	SayNextSending       Sentence = "next-sending"
	SayNextLast          Sentence = "next-last"
	SayNextNudge         Sentence = "next-nudge"
	SayNextOutcome       Sentence = "next-outcome"
	SayNextNone          Sentence = "next-none"
	SayStatusOpen        Sentence = "status-open"
	SayStatusNone        Sentence = "status-none"
	SayStatusPending     Sentence = "status-pending"
	SayStatusSending     Sentence = "status-sending"
	SayStatusWaiting     Sentence = "status-waiting"
	SayStatusOutcome     Sentence = "status-outcome"
	SayStatusOutcomes    Sentence = "status-outcomes"
	SayStatusMore        Sentence = "status-more"
	SayNoteNoticed       Sentence = "note-noticed"
	SayNoteSubject       Sentence = "note-subject"
	SayNoteSubjectThread Sentence = "note-subject-thread"
	// The owner's "not a rejection": Kind is the employer's message's kind
	// ("rejection", "offer", "next_round", "scheduling").
	SayUndoNothing    Sentence = "undo-nothing"
	SayUndone         Sentence = "undone"
	SayUndoneRestored Sentence = "undone-restored"
	SayUndoStage      Sentence = "undo-stage"
	// The employer's side.
	SayEmpNextRoundSubject  Sentence = "emp-next-round-subject"
	SayEmpNextRound         Sentence = "emp-next-round"
	SayEmpNextRoundNext     Sentence = "emp-next-round-next"
	SayEmpSchedulingSubject Sentence = "emp-scheduling-subject"
	SayEmpScheduling        Sentence = "emp-scheduling"
	SayEmpSchedulingNext    Sentence = "emp-scheduling-next"
	SayEmpOfferClosed       Sentence = "emp-offer-closed"
	SayEmpClosed            Sentence = "emp-closed"
	SayEmpMovedSubject      Sentence = "emp-moved-subject"
	SayEmpMoved             Sentence = "emp-moved"
	SayEmpMovedNext         Sentence = "emp-moved-next"
	SayEmpMootSubject       Sentence = "emp-moot-subject"
	SayEmpMoot              Sentence = "emp-moot"
	SayEmpMootNext          Sentence = "emp-moot-next"
	SayEmpSilentSubject     Sentence = "emp-silent-subject"
	SayEmpSilent            Sentence = "emp-silent"
	SayEmpSilentNext        Sentence = "emp-silent-next"
)

// sentences lists every Sentence, for the golden test.
var sentences = []Sentence{
	SayNothingToMark, SayOffer, SayOfferNext, SayNoOffer, SayNoOfferNext, SayThankYouSent, SayCallDone,
	SayAlreadyClosed, SayWasCancelled, SayIsState, SayAlreadyState, SaySnoozed, SaySnoozeSending, SaySkipped,
	SayCancelled, SayAlreadyCancelled, SayNotesSaved, SayNotesInOutline, SayNotesKept, SayRegisterSame,
	SayRegisterFormal, SayRegisterCasual, SayRegisterResend, SayRegisterLater, SayHonorificSame, SayHonorificSet,
	SayHonorificResend, SayHonorificLater, SayHonorificAsk, SayHonorificNobody, SayNothingChanged, SayNothingMore,
	SayNextThankYou, SayNextCall, SayNextSending, SayNextLast, SayNextNudge, SayNextOutcome, SayNextNone,
	SayStatusOpen, SayStatusNone, SayStatusPending, SayStatusSending, SayStatusWaiting, SayStatusOutcome,
	SayStatusOutcomes, SayStatusMore, SayNoteNoticed, SayNoteSubject, SayNoteSubjectThread,
	SayUndoNothing, SayUndone, SayUndoneRestored, SayUndoStage,
	SayEmpNextRoundSubject, SayEmpNextRound, SayEmpNextRoundNext, SayEmpSchedulingSubject, SayEmpScheduling,
	SayEmpSchedulingNext, SayEmpOfferClosed, SayEmpClosed, SayEmpMovedSubject, SayEmpMoved, SayEmpMovedNext,
	SayEmpMootSubject, SayEmpMoot, SayEmpMootNext, SayEmpSilentSubject, SayEmpSilent, SayEmpSilentNext,
}

// AnswerWords fills a Sentence. The caller keeps outside text (names,
// companies) on one line; times come already written in the owner's zone.
type AnswerWords struct {
	// Kind is the reminder's kind ("thank_you", "follow_up_call"), State
	// its store state and Outcome its call outcome, for the sentences that
	// name them.
	Kind, State, Outcome string
	// Who names who and where ("Jane Doe at Acme Corp"); Company the
	// employer; Person one interviewer.
	Who, Company, Person string
	// Form is a register ("formal") or a form of address ("Ms. Doe").
	Form string
	// When is "on Friday, December 4 at 09:00" or "shortly"; At is a time
	// or date without "on".
	When, At string
	// List is a list already joined; Count a number.
	List  string
	Count int
}

// Say renders one sentence of an answer. The sentences are fixed at build
// time and each is rendered by the golden test, so it does not fail; should
// it, the sentence's name stands in, so that an answer still goes.
func Say(s Sentence, w AnswerWords) string {
	var b strings.Builder
	if err := textTemplates.ExecuteTemplate(&b, "answer."+string(s), w); err != nil {
		return string(s)
	}
	return b.String()
}
