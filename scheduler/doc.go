// Package scheduler owns the daemon's timed loops: the dispatcher, the one
// loop that sends email, with one retry policy: reminders and nudges when
// they fall due (it settles sends left in flight and paces catch-up), and
// the queued answers and employer-side emails (outbox.go); it holds every
// send while the mail account fails. And the cron chores that refresh
// sources. The rules it applies (due
// times, quiet hours, the late thank-you, formality) are package
// timerules'; the reminder states are package interview's.
package scheduler
