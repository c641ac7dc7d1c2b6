package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	_ "github.com/emersion/go-message/charset" // bodies in other charsets decode too
	"github.com/emersion/go-message/mail"
)

// width is where the demo wraps email text.
const width = 76

// shown is what the demo keeps of an email it printed.
type shown struct {
	messageID, subject string
}

// header prints a step's line: the simulated time and what happens.
func (p *player) header(format string, args ...any) {
	fmt.Fprintf(p.w, "== %s — %s\n", p.stamp(p.clk.Now()), fmt.Sprintf(format, args...))
}

func (p *player) stamp(t time.Time) string { return t.In(p.loc).Format("Mon 2 Jan 15:04") }

// show prints an email as the owner's mail client would list it: sender,
// subject, date and the plain-text body, wrapped.
func (p *player) show(raw []byte) (shown, error) {
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		return shown{}, fmt.Errorf("read demo email: %w", err)
	}
	defer r.Close()
	id, _ := r.Header.MessageID()
	subject, err := r.Header.Subject()
	if err != nil {
		subject = r.Header.Get("Subject")
	}
	var body string
	var attachments []string
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return shown{}, fmt.Errorf("read demo email: %w", err)
		}
		switch h := part.Header.(type) {
		case *mail.InlineHeader:
			ct, _, _ := h.ContentType()
			if ct == "text/plain" && body == "" {
				b, err := io.ReadAll(part.Body)
				if err != nil {
					return shown{}, fmt.Errorf("read demo email body: %w", err)
				}
				body = string(b)
			}
		case *mail.AttachmentHeader:
			name, _ := h.Filename()
			ct, _, _ := h.ContentType()
			attachments = append(attachments, strings.TrimSpace(name+" ("+ct+")"))
		}
	}
	fmt.Fprintf(p.w, "   From:    %s\n", decodeWords(r.Header.Get("From")))
	fmt.Fprintf(p.w, "   To:      %s\n", decodeWords(r.Header.Get("To")))
	fmt.Fprintf(p.w, "   Subject: %s\n", subject)
	if date, err := r.Header.Date(); err == nil {
		fmt.Fprintf(p.w, "   Date:    %s\n", date.In(p.loc).Format("Mon, 2 Jan 2006 15:04 MST"))
	}
	for _, a := range attachments {
		fmt.Fprintf(p.w, "   Attached: %s\n", a)
	}
	fmt.Fprintln(p.w, "   │")
	lines := wrap(body, width)
	for i, line := range lines {
		if strings.TrimSpace(line) == "--" && i+1 < len(lines) {
			// The reply commands under every email: shown in full once.
			if p.footerShown {
				fmt.Fprintln(p.w, "   │ -- (the reply commands, as above)")
				break
			}
			p.footerShown = true
		}
		fmt.Fprintln(p.w, strings.TrimRight("   │ "+line, " "))
	}
	fmt.Fprintln(p.w)
	return shown{messageID: id, subject: subject}, nil
}

func decodeWords(s string) string {
	if d, err := (&mime.WordDecoder{}).DecodeHeader(s); err == nil {
		return d
	}
	return s
}

// wrap breaks the body's long lines at spaces, keeping their indentation;
// a word longer than the width (a link) stays whole.
func wrap(body string, n int) []string {
	body = strings.TrimRight(strings.ReplaceAll(body, "\r\n", "\n"), "\n")
	var out []string
	for _, line := range strings.Split(body, "\n") {
		if utf8.RuneCountInString(line) <= n {
			out = append(out, line)
			continue
		}
		if strings.Contains(strings.TrimLeft(line, " "), "   ") {
			// Laid out in columns (the reply commands): reflowing would
			// break the columns, so it runs a little long instead.
			out = append(out, line)
			continue
		}
		if !strings.Contains(strings.TrimSpace(line), " ") {
			// A link: cut, not broken, as a mail client's preview does.
			out = append(out, string([]rune(line)[:n-1])+"…")
			continue
		}
		indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
		cur := indent
		for _, word := range strings.Fields(line) {
			if cur != indent && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) > n {
				out = append(out, cur)
				cur = indent
			}
			if cur != indent {
				cur += " "
			}
			cur += word
		}
		out = append(out, cur)
	}
	return out
}

// summary prints the interviews and their follow-ups as they stand.
func (p *player) summary(ctx context.Context) error {
	ivs, err := p.st.Interviews(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	for _, r := range ivs {
		fmt.Fprintf(tw, "   #%d\t%s\t%s\t%s\n", r.ID, r.Start.In(p.loc).Format("Mon 2 Jan 15:04 MST"), r.Status, r.Summary)
		for _, rem := range r.Reminders {
			fmt.Fprintf(tw, "   \t%s\t%s\tdue %s\n", rem.Kind, rem.State, rem.Due.In(p.loc).Format("Mon 2 Jan 15:04"))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err = fmt.Fprintln(p.w, "\nThe demo's servers, store and calendar are gone; try `followupd check` with your own config next.")
	return err
}
