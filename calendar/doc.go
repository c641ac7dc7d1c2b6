// Package calendar owns reading iCalendar data (RFC 5545): it decodes an
// export or an invitation, resolves every time to an instant (IANA, Windows and
// VTIMEZONE-only zones, UTC, floating times in the owner's zone), expands
// recurring series with their exceptions and overrides, and hands back plain
// Events. It knows nothing of interviews; package detect decides which events
// are interviews.
package calendar
