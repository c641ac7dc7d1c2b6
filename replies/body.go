package replies

import (
	"errors"
	"io"
	"mime"
	"strings"

	"github.com/emersion/go-message"

	"github.com/followupd/followupd/internal/mimelimit"
)

// bodyText is the text a reply was written in: its first text/plain part that
// is not an attachment (format=flowed undone), else its first text/html part
// turned into text with the client's quoted containers left out. Charsets
// and transfer encodings are decoded; parts of forwarded messages
// (message/rfc822) are not looked into.
func bodyText(e *message.Entity) string {
	text, _ := bodyTextCut(e)
	return text
}

// bodyTextCut is bodyText, and for a text taken from HTML the quote
// container that was left out ("html quote gmail_quote"), "" for none.
func bodyTextCut(e *message.Entity) (text, cut string) {
	var tp textParts
	// The limits hit are not reported: a reply cut short at one reads as
	// what came before it, at worst as the Unknown command.
	_, _ = mimelimit.Walk(e, mimelimit.NewBudget(), tp.visit)
	if strings.TrimSpace(tp.plain) != "" {
		return tp.plain, ""
	}
	if tp.haveHTML {
		return htmlToTextCut(tp.html, true)
	}
	return tp.plain, ""
}

// textParts collects the text parts of a message as it is walked.
type textParts struct {
	plain, html         string
	havePlain, haveHTML bool
}

func (tp *textParts) visit(e *message.Entity) error {
	if disp, _, err := e.Header.ContentDisposition(); err == nil && strings.EqualFold(disp, "attachment") {
		return nil
	}
	mediaType, params := contentType(e.Header)
	switch mediaType {
	case "text/plain":
		text := readText(e.Body)
		if strings.EqualFold(params["format"], "flowed") {
			text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
		}
		if strings.TrimSpace(text) == "" {
			return nil // an empty plain part beside an HTML one: read the HTML
		}
		tp.plain, tp.havePlain = text, true
		return mimelimit.ErrStop
	case "text/html":
		if !tp.haveHTML {
			tp.html, tp.haveHTML = readText(e.Body), true
		}
	}
	return nil
}

// contentType is the part's lower-cased media type and parameters; a part
// without a readable Content-Type is text/plain (RFC 2045 5.2).
func contentType(h message.Header) (string, map[string]string) {
	v := h.Get("Content-Type")
	if strings.TrimSpace(v) == "" {
		return "text/plain", nil
	}
	t, params, err := mime.ParseMediaType(v)
	if err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter) {
		return "text/plain", nil
	}
	return strings.ToLower(t), params
}

// readText reads at most maxTextBytes of a decoded part. A body that breaks
// off (bad base64, a truncated message) gives what was read before the break.
func readText(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, maxTextBytes))
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ToValidUTF8(s, "\uFFFD")
}

// unflow undoes format=flowed (RFC 3676): a line that ends in a space runs
// on into the next line of the same quote depth. Quote marks are normalised
// to ">" per level followed by one space, and space-stuffing is removed.
func unflow(text string, delSp bool) string {
	var out []string
	var para strings.Builder
	paraDepth, open := 0, false
	flush := func() {
		if !open {
			return
		}
		prefix := strings.Repeat(">", paraDepth)
		if paraDepth > 0 {
			prefix += " "
		}
		out = append(out, prefix+para.String())
		para.Reset()
		open = false
	}
	for _, line := range strings.Split(text, "\n") {
		depth := 0
		for depth < len(line) && line[depth] == '>' {
			depth++
		}
		content := strings.TrimPrefix(line[depth:], " ")
		if open && depth != paraDepth {
			flush()
		}
		flowed := strings.HasSuffix(content, " ") && content != "-- "
		if flowed && delSp {
			content = content[:len(content)-1]
		}
		para.WriteString(content)
		paraDepth, open = depth, true
		if !flowed {
			flush()
		}
	}
	flush()
	return strings.Join(out, "\n")
}
