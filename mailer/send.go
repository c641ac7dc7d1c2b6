package mailer

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/textproto"
	"syscall"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/followupd/followupd/config"
	"github.com/followupd/followupd/internal/tidy"
)

// Sender delivers Emails through the [smtp] account. It holds no connection:
// each Send dials, authenticates and quits, which suits a daemon that sends a
// few messages a day.
type Sender struct {
	cfg     *config.SMTP
	log     *slog.Logger
	tls     *tls.Config
	timeout time.Duration
}

// Option adjusts a Sender.
type Option func(*Sender)

// WithTLSConfig sets the TLS configuration, for a private CA or a test
// server. Certificates are verified all the same: ServerName is set to the
// configured host when empty, and InsecureSkipVerify is refused (cleared).
func WithTLSConfig(c *tls.Config) Option {
	return func(s *Sender) { s.tls = c }
}

// WithTimeout bounds the connection and each SMTP command; default 30s.
func WithTimeout(d time.Duration) Option {
	return func(s *Sender) { s.timeout = d }
}

// NewSender returns a Sender for cfg, a validated [smtp] section.
func NewSender(cfg *config.SMTP, log *slog.Logger, opts ...Option) *Sender {
	s := &Sender{cfg: cfg, log: log, timeout: 30 * time.Second}
	for _, o := range opts {
		o(s)
	}
	return s
}

// SendError is the error Send returns: Temporary says whether trying the
// same message again later may succeed. Code is the SMTP reply code, 0 when
// the failure was not an SMTP reply.
type SendError struct {
	Temporary bool
	// Account is true when the failure is about the account or the
	// connection, not about this message: the login refused, a certificate
	// that does not verify, a host that does not resolve or answer, a time-
	// out, a secret that cannot be read, the sender address refused. Every
	// other message would fail the same way, so the caller holds its sends
	// until the account works again rather than give any of them up.
	Account bool
	Code    int
	err     error
}

func (e *SendError) Error() string { return e.err.Error() }
func (e *SendError) Unwrap() error { return e.err }

// IsTemporary reports whether err is worth retrying: a 4xx reply, a network
// failure or time-out, a secret that could not be read right now. A 5xx
// reply, a refused certificate, a server without the mandatory STARTTLS and
// a malformed message are permanent. An error Send did not return is
// temporary only when it is a network error.
func IsTemporary(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Temporary
	}
	temp, _ := classify(err)
	return temp
}

// IsAccountFailure reports whether err is about the account or the
// connection rather than the message (see SendError.Account). An error Send
// did not return is one when it is a network or TLS error.
func IsAccountFailure(err error) bool {
	var se *SendError
	if errors.As(err, &se) {
		return se.Account
	}
	return connectionFailure(err)
}

// Send delivers e to e.To over SMTP, from e.From ([smtp] from when e.From is
// empty), with the [smtp] security: implicit TLS, mandatory STARTTLS (a
// server that does not offer it is refused, never used in clear) or, to
// loopback only, no TLS. The password or OAuth2 token is resolved now, used
// once, and never logged. Delivery is complete when Send
// returns nil; a failure at QUIT after the message was accepted is logged,
// not returned, so the message is not sent twice.
func (s *Sender) Send(ctx context.Context, e Email) error {
	if e.From.Address == "" {
		from, err := mail.ParseAddress(s.cfg.From)
		if err != nil {
			return &SendError{err: fmt.Errorf("send email %s: smtp.from %q: %w", messageID(e.MessageID), s.cfg.From, err)}
		}
		e.From = *from
	}
	m, err := e.message()
	if err != nil {
		return &SendError{err: fmt.Errorf("send email: %w", err)}
	}
	if e.To.Address == "" {
		return &SendError{err: fmt.Errorf("send email %s: no recipient", messageID(e.MessageID))}
	}
	opts, err := s.options(ctx)
	if err != nil {
		return &SendError{Temporary: true, Account: true, err: fmt.Errorf("send email %s: %w", messageID(e.MessageID), err)}
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return &SendError{Account: true, err: fmt.Errorf("send email %s: set up smtp client: %w", messageID(e.MessageID), err)}
	}
	// The Message-ID is not logged: ours carry the reply token of a reminder.
	log := s.log.With(slog.String("subject", tidy.TruncateRunes(e.Subject, 80)), slog.String("smtp", s.cfg.Addr()))
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return s.fail(e, "connect", err)
	}
	if err := c.SendWithSMTPClient(sc, m); err != nil {
		if cerr := c.CloseWithSMTPClient(sc); cerr != nil {
			log.Debug("smtp quit after failure", slog.Any("error", cerr))
		}
		return s.fail(e, "deliver", err)
	}
	if err := c.CloseWithSMTPClient(sc); err != nil {
		log.Warn("smtp quit failed after the message was accepted", slog.Any("error", err))
	}
	log.Info("email sent")
	return nil
}

// Check does everything Send does short of sending: it resolves the secret,
// connects, protects the connection (TLS verified), logs in and quits. Its
// error is a *SendError, as Send's.
func (s *Sender) Check(ctx context.Context) error {
	opts, err := s.options(ctx)
	if err != nil {
		return &SendError{Temporary: true, Account: true, err: err}
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return &SendError{Account: true, err: fmt.Errorf("set up smtp client: %w", err)}
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		temp, code := classify(err)
		return &SendError{Temporary: temp, Code: code, Account: true, err: fmt.Errorf("connect to %s: %w", s.cfg.Addr(), err)}
	}
	if err := c.CloseWithSMTPClient(sc); err != nil {
		s.log.Debug("smtp quit after the check", slog.Any("error", err))
	}
	return nil
}

func (s *Sender) fail(e Email, step string, err error) error {
	temp, code := classify(err)
	return &SendError{Temporary: temp, Code: code, Account: accountFailure(step, err),
		err: fmt.Errorf("send email %s via %s: %s: %w", messageID(e.MessageID), s.cfg.Addr(), step, err)}
}

// options turns the [smtp] section into go-mail client options, resolving
// the secret.
func (s *Sender) options(ctx context.Context) ([]gomail.Option, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.tls != nil {
		tc = s.tls.Clone()
	} else if ca, err := s.cfg.TLSConfig(); err != nil { // [smtp] ca_file
		return nil, fmt.Errorf("smtp: %w", err)
	} else if ca != nil {
		tc = ca
	}
	tc.InsecureSkipVerify = false
	if tc.ServerName == "" {
		tc.ServerName = s.cfg.Host
	}
	if tc.MinVersion < tls.VersionTLS12 {
		tc.MinVersion = tls.VersionTLS12
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSConfig(tc),
	}
	// Never WithSSLPort or WithTLSPortPolicy: they pick ports themselves and
	// can fall back to 25.
	switch s.cfg.Security {
	case config.TLS:
		opts = append(opts, gomail.WithSSL())
	case config.StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case config.Plain:
		// config allows this only to a loopback address.
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("smtp.security %q is not tls, starttls or none", s.cfg.Security)
	}
	switch {
	case s.cfg.OAuth2TokenCommand != "":
		token, err := s.cfg.Token(ctx)
		if err != nil {
			return nil, fmt.Errorf("get smtp oauth2 token: %w", err)
		}
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthXOAUTH2),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(token))
	case s.cfg.Username != "":
		pw, err := s.cfg.Password.Resolve(ctx)
		if err != nil {
			return nil, fmt.Errorf("get smtp password: %w", err)
		}
		// Over TLS, the strongest mechanism the server offers (SCRAM before
		// PLAIN and LOGIN). Without TLS, which config allows only to loopback,
		// PLAIN: go-mail's discovery would refuse it there.
		auth := gomail.SMTPAuthAutoDiscover
		if s.cfg.Security == config.Plain {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(pw))
	}
	return opts, nil
}

// classify says whether err is temporary, and the SMTP code when there is one.
func classify(err error) (temporary bool, code int) {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case se.IsTemp():
			return true, code
		case code != 0:
			return false, code
		}
		// No reply code: go-mail's SendError hides its cause, and without a
		// code the cause was the connection (reset, time-out), unless the
		// message itself could not be addressed or encoded.
		switch se.Reason {
		case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
			return false, 0
		}
		return true, 0
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code >= 400 && te.Code < 500, te.Code
	}
	// A certificate that does not verify will not verify on the next try either.
	var (
		unknownCA  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalid    x509.CertificateInvalidError
		verifyErr  *tls.CertificateVerificationError
		recordErr  tls.RecordHeaderError
		alertError tls.AlertError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verifyErr) || errors.As(err, &recordErr) || errors.As(err, &alertError) {
		return false, 0
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.EPIPE) {
		return true, 0
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true, 0
	}
	return false, 0
}

// accountFailure says whether a failure at step ("connect" or "deliver")
// is about the account or the connection. Everything up to and including
// the login (dial, TLS, EHLO, STARTTLS, AUTH) is; in delivery, so is a
// refused sender address (smtp.from is configuration) and a lost or timed-
// out connection. Only a reply to RCPT TO or DATA is about this message.
func accountFailure(step string, err error) bool {
	if step == "connect" {
		return true
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		switch se.Reason {
		case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
			return false // the message could not be addressed or encoded
		case gomail.ErrSMTPMailFrom:
			return true
		}
		// A reply code to RCPT TO or DATA is about this message; without
		// one the connection failed (go-mail hides the cause).
		return se.ErrorCode() == 0
	}
	return connectionFailure(err)
}

// connectionFailure reports whether err is a network, DNS, time-out or TLS
// failure: the connection, not the message.
func connectionFailure(err error) bool {
	var (
		unknownCA  x509.UnknownAuthorityError
		hostname   x509.HostnameError
		invalid    x509.CertificateInvalidError
		verifyErr  *tls.CertificateVerificationError
		recordErr  tls.RecordHeaderError
		alertError tls.AlertError
		dnsErr     *net.DNSError
		ne         net.Error
	)
	return errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verifyErr) || errors.As(err, &recordErr) || errors.As(err, &alertError) ||
		errors.As(err, &dnsErr) || errors.As(err, &ne) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE)
}
