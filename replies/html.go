package replies

import (
	"strings"

	"golang.org/x/net/html"
)

// HTMLToText turns an HTML body into plain text: block elements and <br>
// break lines, runs of white space collapse, entities are decoded, scripts,
// styles and the head are dropped, and the contents of <blockquote> come out
// with one "> " per level, the way a plain-text client quotes.
func HTMLToText(s string) string { return htmlToText(s, false) }

// htmlToText is HTMLToText; with replyOnly it also leaves out what mail
// clients mark as quoted: Gmail's, Thunderbird's, Yahoo's and Proton's quote
// containers are skipped, and at Outlook's reply header (divRplyFwdMsg,
// appendonsend, which the quoted message follows unmarked) the text ends.
func htmlToText(s string, replyOnly bool) string {
	text, _ := htmlToTextCut(s, replyOnly)
	return text
}

// htmlToTextCut is htmlToText, and says which quote container or reply
// header was left out first ("html quote gmail_quote"), "" for none. With
// replyOnly, a <blockquote> that no client marked as a quote (no
// type="cite", no quote class or id) comes out without "> " when it is the
// owner's indent (Gmail's and Apple Mail's "border: none" one) or when the
// owner's text goes on after it; a plain one that ends the text is a quote
// and comes out with "> ".
func htmlToTextCut(s string, replyOnly bool) (string, string) {
	var w textWriter
	// The first quote container left out, and the first signature: the
	// quote is what explain names.
	cut, sigCut := "", ""
	// For each open <blockquote>: how it is written (bqIndent, bqPlain,
	// bqCite).
	var bq []int
	z := html.NewTokenizer(strings.NewReader(s))
	// Elements whose content is not text (script, style, head...): the
	// number of them open.
	hidden := 0
	// Inside a skipped quote container: the number of elements open in it.
	skipping := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF or a tokenizer error: what was read stands
		}
		switch tt {
		case html.TextToken:
			if hidden == 0 && skipping == 0 {
				w.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			id, class, typ, style := "", "", "", ""
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "id":
					id = string(v)
				case "class":
					class = string(v)
				case "type":
					typ = string(v)
				case "style":
					style = string(v)
				}
			}
			selfClosing := tt == html.SelfClosingTagToken || isVoid(tag)
			if skipping > 0 {
				if !selfClosing {
					skipping++
				}
				continue
			}
			if tag == "body" {
				hidden = 0 // an unclosed <head> ends here
			}
			if isHidden(tag) {
				if !selfClosing {
					hidden++
				}
				continue
			}
			if replyOnly {
				if isOutlookReplyHeader(id) {
					return w.String(), "html quote " + strings.TrimPrefix(strings.ToLower(id), "x_")
				}
				if c := quoteContainer(class, id); c != "" && !selfClosing {
					if cut == "" {
						cut = "html quote " + c
					}
					skipping = 1
					continue
				}
				if c := signatureContainer(class, id); c != "" && !selfClosing {
					if sigCut == "" {
						sigCut = "html signature " + c
					}
					w.breakLine(false)
					skipping = 1
					continue
				}
				if tag == "blockquote" && !selfClosing {
					kind := blockquoteKind(typ, class, id, style)
					bq = append(bq, kind)
					if kind != bqCite {
						w.startTag("div")
						if kind == bqPlain {
							w.plain++
						}
						continue
					}
				}
			}
			w.startTag(tag)
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if skipping > 0 {
				if !isVoid(tag) {
					skipping--
				}
				continue
			}
			if isHidden(tag) {
				if hidden > 0 {
					hidden--
				}
				continue
			}
			if replyOnly && tag == "blockquote" && len(bq) > 0 {
				kind := bq[len(bq)-1]
				bq = bq[:len(bq)-1]
				if kind != bqCite {
					w.endTag("div")
					if kind == bqPlain && w.plain > 0 {
						w.plain--
					}
					continue
				}
			}
			w.endTag(tag)
		}
	}
	if cut == "" {
		cut = sigCut
	}
	return w.String(), cut
}

// How a <blockquote> is written in a reply's text.
const (
	bqIndent = iota // the owner's indent: plain text
	bqPlain         // plain text, or "> " when it ends the text
	bqCite          // a client's quote: "> "
)

// blockquoteKind tells a client's quote of the message answered (type="cite"
// as Apple Mail, Thunderbird, Roundcube and Fastmail write it, or a class
// or id that says quote, cite or attribution, as Outlook for Mac and
// webmails write it) from the indent Gmail's and Apple Mail's editors make
// ("border: none") and from a blockquote with no such marks.
func blockquoteKind(typ, class, id, style string) int {
	if strings.EqualFold(strings.TrimSpace(typ), "cite") {
		return bqCite
	}
	a := strings.ToLower(class + " " + id)
	if strings.Contains(a, "quote") || strings.Contains(a, "cite") || strings.Contains(a, "attribution") {
		return bqCite
	}
	if strings.Contains(strings.ReplaceAll(strings.ToLower(style), " ", ""), "border:none") {
		return bqIndent
	}
	return bqPlain
}

func isHidden(tag string) bool {
	switch tag {
	case "head", "script", "style", "title", "template", "noscript", "object", "svg":
		return true
	}
	return false
}

func isVoid(tag string) bool {
	switch tag {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
		"param", "source", "track", "wbr":
		return true
	}
	return false
}

func isBlock(tag string) bool {
	switch tag {
	case "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
		"figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
		"li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul", "center":
		return true
	}
	return false
}

// isOutlookReplyHeader reports whether an element id marks where Outlook (desktop
// and web) starts the quoted message. Outlook web prefixes ids with "x_" when
// the message is quoted again.
func isOutlookReplyHeader(id string) bool {
	id = strings.TrimPrefix(strings.ToLower(id), "x_")
	return id == "divrplyfwdmsg" || id == "appendonsend"
}

// isQuoteContainer reports whether a class attribute marks an element that
// holds quoted text and its attribution line.
func isQuoteContainer(class string) bool { return quoteContainer(class, "") != "" }

// quoteContainer is the class (or id) by which an element holds quoted
// text and its attribution line: Gmail's, Thunderbird's, Yahoo's, Proton's,
// Zoho's, Apple Mail's and Outlook mobile's containers; "" for none.
func quoteContainer(class, id string) string {
	for _, c := range strings.Fields(strings.ToLower(class)) {
		switch c = strings.TrimPrefix(c, "x_"); c {
		case "gmail_quote", "gmail_quote_container", "gmail_attr", "moz-cite-prefix",
			"yahoo_quoted", "protonmail_quote", "zmail_extra", "applemail-quote", "apple-mail-quote",
			"ydp_quoted", "yahoo-quoted-begin", "ms-outlook-mobile-quote", "skiff_quote", "tutanota_quote":
			return c
		}
	}
	i := strings.TrimPrefix(strings.ToLower(id), "x_")
	switch {
	case strings.HasPrefix(i, "yahoo_quoted"), i == "divrplyfwdmsg", i == "appendonsend",
		i == "mail-editor-reference-message-container", strings.HasPrefix(i, "zwchr"),
		i == "tutanota_quote", i == "oldmsg":
		return i
	}
	return ""
}

// signatureContainer is the class or id by which an element holds the
// owner's signature (Gmail's, Outlook's), left out of the own text like a
// signature after "-- "; "" for none.
func signatureContainer(class, id string) string {
	for _, c := range strings.Fields(strings.ToLower(class)) {
		if c = strings.TrimPrefix(c, "x_"); c == "gmail_signature" || c == "gmail_signature_prefix" {
			return c
		}
	}
	if i := strings.TrimPrefix(strings.ToLower(id), "x_"); i == "signature" {
		return i
	}
	return ""
}

// textWriter assembles the text, line by line.
type textWriter struct {
	lines []string
	line  strings.Builder
	// quote is the <blockquote> depth now; lineQuote the depth the current
	// line started at.
	quote, lineQuote int
	pre              int  // inside <pre>: white space kept
	space            bool // a collapsed space is pending before the next word
	// plain is the number of plain blockquotes open (replyOnly);
	// linePlain whether the current line started in one, plainLines
	// whether each line did.
	plain      int
	linePlain  bool
	plainLines []bool
}

func (w *textWriter) text(s string) {
	if w.pre > 0 {
		for i, part := range strings.Split(s, "\n") {
			if i > 0 {
				w.breakLine(true)
			}
			w.write(part)
		}
		return
	}
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\f', '\u00a0':
			w.space = w.line.Len() > 0
		default:
			if w.space {
				w.line.WriteByte(' ')
				w.space = false
			}
			w.write(string(r))
		}
	}
}

// write adds to the current line, fixing its quote depth at its first text.
func (w *textWriter) write(s string) {
	if w.line.Len() == 0 {
		w.lineQuote = w.quote
		w.linePlain = w.plain > 0
	}
	w.line.WriteString(s)
}

// breakLine ends the current line. An empty line is kept only when force
// is set (<br>, a newline in <pre>), and never two in a row.
func (w *textWriter) breakLine(force bool) {
	w.space = false
	if w.line.Len() == 0 {
		if !force {
			return
		}
		if n := len(w.lines); n > 0 && strings.TrimRight(w.lines[n-1], "> ") == "" {
			return
		}
		w.lines = append(w.lines, strings.TrimSpace(quotePrefix(w.quote)))
		w.plainLines = append(w.plainLines, w.plain > 0)
		return
	}
	w.lines = append(w.lines, quotePrefix(w.lineQuote)+strings.TrimRight(w.line.String(), " "))
	w.plainLines = append(w.plainLines, w.linePlain)
	w.line.Reset()
}

// maxQuotePrefix caps the "> " written per line, so that thousands of
// unclosed <blockquote>s cost linear, not quadratic, space.
const maxQuotePrefix = 16

func quotePrefix(depth int) string { return strings.Repeat("> ", min(depth, maxQuotePrefix)) }

func (w *textWriter) startTag(tag string) {
	switch {
	case tag == "br":
		w.breakLine(true)
	case tag == "td" || tag == "th":
		w.space = w.line.Len() > 0
	case isBlock(tag):
		w.breakLine(false)
	}
	switch tag {
	case "blockquote":
		w.quote++
	case "pre":
		w.pre++
	}
}

func (w *textWriter) endTag(tag string) {
	if isBlock(tag) {
		w.breakLine(false)
	}
	switch tag {
	case "blockquote":
		if w.quote > 0 {
			w.quote--
		}
	case "pre":
		if w.pre > 0 {
			w.pre--
		}
	}
}

func (w *textWriter) String() string {
	w.breakLine(false)
	// A plain blockquote that ends the text is a quote: its lines get "> ".
	end := len(w.lines)
	for end > 0 && !isMeaningful(w.lines[end-1]) {
		end--
	}
	start := end
	for start > 0 && w.plainLines[start-1] {
		start--
	}
	for i := start; i < end; i++ {
		w.lines[i] = "> " + w.lines[i]
	}
	return strings.Trim(strings.Join(w.lines, "\n"), "\n")
}
