// Package scheduler owns the daemon's timed loops: the dispatcher that sends
// reminders and nudges when they fall due (and settles sends left in
// flight, holds sending while the mail account fails, and paces catch-up),
// and the cron chores that refresh sources. The rules it applies (due
// times, quiet hours, the late thank-you, formality) are package
// timerules'; the reminder states are package interview's.
package scheduler
