// Package timerules owns the pure time rules of followupd: when an
// interview's follow-ups fall due, which days are business days (weekends and
// the configured holidays are not), how quiet hours move a send, when the
// call waits for a late thank-you, the arithmetic of a snooze, and the one
// decision of an interview's formality. Every function is a pure function of
// its arguments and the configuration: no clock reads, no database, no mail.
// The store, the dispatcher, replies, explain and the CLI all call it, so a
// rule is written once.
package timerules
