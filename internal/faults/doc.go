// Package faults runs the followupd binary against a real Dovecot and a real
// Postfix on loopback and breaks things under it: SIGKILL at random moments,
// the IMAP server going away, the SMTP server going away, a calendar server
// that fails, a full disk. Each scenario prints one "figures:" line. It is
// not part of `make test` (it needs root and takes minutes):
//
//	go test -tags faults ./internal/faults -v -timeout 30m
//
// FAULTS_OUTAGE sets how long Postfix stays down (default 60s), FAULTS_STABLE
// how long Dovecot stays up between two restarts (default 65s).
package faults
