package mailer

import (
	"bytes"
	"embed"
	"fmt"
	ht "html/template"
	"net/mail"
	"regexp"
	"strings"
	tt "text/template"
	"time"

	"github.com/followupd/followupd/config"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

// The parsed templates never change after package initialization and are
// safe for concurrent use; a template that does not parse fails every test.
var (
	textTemplates = tt.Must(tt.New("text").ParseFS(templateFS, "templates/*.txt.tmpl"))
	htmlTemplates = ht.Must(ht.New("html").Funcs(htmlFuncs).ParseFS(templateFS, "templates/*.html.tmpl"))
)

// htmlFuncs are the helpers of the HTML templates.
var htmlFuncs = ht.FuncMap{
	// msoOpen and msoClose fix the page's width for Outlook's Word engine,
	// which ignores max-width; other clients skip the conditional comment.
	// (html/template drops comments written in a template.)
	"msoOpen": func() ht.HTML {
		return `<!--[if mso]><table role="presentation" width="640" align="center" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->`
	},
	"msoClose": func() ht.HTML { return `<!--[if mso]></td></tr></table><![endif]-->` },
	"paras":    paragraphs,
}

// paragraphs splits plain text (a draft, a letter) into paragraphs at blank
// lines, each a list of its lines, so that the HTML shows it as <p> with
// <br> and needs no white-space: pre-wrap, which Outlook ignores.
func paragraphs(s string) [][]string {
	var out [][]string
	var cur []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if strings.TrimSpace(l) == "" {
			if cur != nil {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, l)
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

// render executes the text and HTML templates called name.
func render(name string, data any) (text, html string, err error) {
	var tb, hb bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&tb, name+".txt.tmpl", data); err != nil {
		return "", "", fmt.Errorf("render %s text: %w", name, err)
	}
	if err := htmlTemplates.ExecuteTemplate(&hb, name+".html.tmpl", data); err != nil {
		return "", "", fmt.Errorf("render %s html: %w", name, err)
	}
	html, err = inlineStyles(hb.String())
	if err != nil {
		return "", "", fmt.Errorf("render %s html: %w", name, err)
	}
	return wrapText(tidyText(tb.String()), textWidth), html, nil
}

// renderText executes one text template (a draft) and tidies it.
func renderText(name string, data any) (string, error) {
	var b bytes.Buffer
	if err := textTemplates.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	return tidyText(b.String()), nil
}

var blankRuns = regexp.MustCompile(`\n{3,}`)

// tidyText lets the text templates be laid out for reading: trailing space
// on a line goes, runs of blank lines become one, and the text ends in
// exactly one newline. The "-- " signature separator keeps its space.
func tidyText(s string) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		if l != "-- " {
			ls[i] = strings.TrimRight(l, " \t")
		}
	}
	s = blankRuns.ReplaceAllString(strings.Join(ls, "\n"), "\n\n")
	return strings.Trim(s, "\n") + "\n"
}

// footer is what the reply-command footer needs.
type footer struct {
	// Until is an example for "snooze until": two days after the email, 14:00.
	Until string
}

func newFooter(now time.Time, loc *time.Location) footer {
	d := now.In(loc).AddDate(0, 0, 2)
	return footer{Until: d.Format("2006-01-02") + " 14:00"}
}

// ownerAddress is the thread's To, or the owner.
func ownerAddress(th Thread, o config.Owner) mail.Address {
	if th.To.Address != "" {
		return th.To
	}
	return mail.Address{Name: o.Name, Address: o.Email}
}

// envelope fills an Email's addressing and threading from th.
func envelope(th Thread, o config.Owner, subject string, now time.Time) Email {
	return Email{
		From: th.From, To: ownerAddress(th, o),
		Subject:       headerText(subject, maxSubjectRunes),
		Date:          now.In(ownerZone(o)),
		MessageID:     th.MessageID,
		InReplyTo:     th.InReplyTo,
		References:    th.References,
		AutoSubmitted: true,
	}
}
