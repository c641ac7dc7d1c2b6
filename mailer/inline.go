package mailer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	xhtml "golang.org/x/net/html"

	"github.com/followupd/followupd/internal/tidy"
)

// Many mail clients drop a message's <style> block (Gmail's app for
// non-Google accounts, some Outlook versions, many webmails), so every
// HTML email is sent with its styles also written onto the elements
// themselves. The <style> block stays for the clients that honour it: its
// @media rules (dark mode, narrow screens) cannot be inlined.
//
// The inliner knows only the small CSS the templates use: rules of
// comma-separated selectors, each one or two compound selectors (descendant
// combinator) made of an element name and/or classes, such as "p",
// ".draft", "table.facts th" or ".lines .label". Rules inside an at-rule are
// left to the <style> block. A selector outside that grammar is an error,
// which the tests catch.

// cssRule is one selector with its declarations, in source order.
type cssRule struct {
	sel   []compound // outermost first; the last one is the element itself
	decls string     // "margin: 0; color: #fff"
	spec  int        // specificity: classes*100 + elements
	order int
}

// compound is "tag.class1.class2"; an empty tag matches any element.
type compound struct {
	tag     string
	classes []string
}

func (c compound) matches(tag string, classes []string) bool {
	if c.tag != "" && c.tag != tag {
		return false
	}
	for _, k := range c.classes {
		if !slices.Contains(classes, k) {
			return false
		}
	}
	return true
}

// parseCSS reads the rules of a style sheet, skipping comments and at-rules.
func parseCSS(css string) ([]cssRule, error) {
	var rules []cssRule
	s := css
	for {
		for {
			s = strings.TrimSpace(s)
			if !strings.HasPrefix(s, "/*") {
				break
			}
			end := strings.Index(s, "*/")
			if end < 0 {
				return nil, fmt.Errorf("parse css: unterminated comment")
			}
			s = s[end+2:]
		}
		if s == "" {
			return rules, nil
		}
		if s[0] == '@' {
			// Skip the at-rule and its block, nested braces included.
			open := strings.IndexByte(s, '{')
			if open < 0 {
				return nil, fmt.Errorf("parse css: at-rule without a block")
			}
			depth, i := 0, open
			for ; i < len(s); i++ {
				if s[i] == '{' {
					depth++
				} else if s[i] == '}' {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if depth != 0 {
				return nil, fmt.Errorf("parse css: unbalanced braces in an at-rule")
			}
			s = s[i+1:]
			continue
		}
		open := strings.IndexByte(s, '{')
		closing := strings.IndexByte(s, '}')
		if open < 0 || closing < open {
			return nil, fmt.Errorf("parse css: rule without a block near %q", tidy.Clip(s, 40))
		}
		decls := strings.TrimSpace(s[open+1 : closing])
		for _, sel := range strings.Split(s[:open], ",") {
			r, err := parseSelector(strings.TrimSpace(sel))
			if err != nil {
				return nil, err
			}
			r.decls, r.order = decls, len(rules)
			rules = append(rules, r)
		}
		s = s[closing+1:]
	}
}

func parseSelector(sel string) (cssRule, error) {
	parts := strings.Fields(sel)
	if len(parts) == 0 || len(parts) > 2 {
		return cssRule{}, fmt.Errorf("parse css: selector %q: only one or two compound selectors are inlined", sel)
	}
	var r cssRule
	for _, p := range parts {
		bits := strings.Split(p, ".")
		c := compound{tag: bits[0]}
		for _, k := range bits[1:] {
			if k == "" {
				return cssRule{}, fmt.Errorf("parse css: selector %q: empty class", sel)
			}
			c.classes = append(c.classes, k)
		}
		for _, ch := range p {
			if !(ch == '.' || ch == '-' || ch == '_' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9') {
				return cssRule{}, fmt.Errorf("parse css: selector %q: only element and class selectors are inlined", sel)
			}
		}
		if c.tag != "" {
			r.spec++
		}
		r.spec += 100 * len(c.classes)
		r.sel = append(r.sel, c)
	}
	return r, nil
}

// voidElements have no end tag.
var voidElements = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true,
	"hr": true, "img": true, "input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true}

// inlineStyles writes the rules of the document's <style> block onto the
// elements of its <body> as style attributes. A style already on an element
// comes after the inlined declarations, so it wins. Everything but the start
// tags that get a style is copied byte for byte.
func inlineStyles(doc string) (string, error) {
	start := strings.Index(doc, "<style>")
	end := strings.Index(doc, "</style>")
	if start < 0 || end < start {
		return doc, nil
	}
	rules, err := parseCSS(doc[start+len("<style>") : end])
	if err != nil {
		return "", err
	}
	var (
		stack  []openElement
		out    bytes.Buffer
		inBody bool
	)
	z := xhtml.NewTokenizer(strings.NewReader(doc))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break
		}
		raw := z.Raw()
		switch tt {
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			tag := tok.Data
			if tag == "body" {
				inBody = true
			}
			var classes []string
			style, styleAt := "", -1
			for i, a := range tok.Attr {
				switch a.Key {
				case "class":
					classes = strings.Fields(a.Val)
				case "style":
					style, styleAt = a.Val, i
				}
			}
			if inBody {
				if decls := matchRules(rules, stack, tag, classes); decls != "" {
					if style != "" {
						decls += "; " + style
					}
					if styleAt >= 0 {
						tok.Attr[styleAt].Val = decls
					} else {
						tok.Attr = append(tok.Attr, xhtml.Attribute{Key: "style", Val: decls})
					}
					raw = []byte(startTag(tok, tt == xhtml.SelfClosingTagToken))
				}
			}
			if tt == xhtml.StartTagToken && !voidElements[tag] {
				stack = append(stack, openElement{tag, classes})
			}
		case xhtml.EndTagToken:
			tag := z.Token().Data
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].tag == tag {
					stack = stack[:i]
					break
				}
			}
		}
		out.Write(raw)
	}
	if err := z.Err(); err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("inline styles: %w", err)
	}
	return out.String(), nil
}

// matchRules returns the declarations of every rule that matches an element
// (tag with classes, inside the open elements ancestors), in cascade order:
// lower specificity first, then source order.
func matchRules(rules []cssRule, ancestors []openElement, tag string, classes []string) string {
	var hit []cssRule
	for _, r := range rules {
		if !r.sel[len(r.sel)-1].matches(tag, classes) {
			continue
		}
		if len(r.sel) == 2 {
			found := false
			for _, a := range ancestors {
				if r.sel[0].matches(a.tag, a.classes) {
					found = true
					break
				}
			}
			if !found {
				continue
			}
		}
		hit = append(hit, r)
	}
	slices.SortStableFunc(hit, func(a, b cssRule) int {
		if a.spec != b.spec {
			return a.spec - b.spec
		}
		return a.order - b.order
	})
	var decls []string
	for _, r := range hit {
		for _, d := range strings.Split(r.decls, ";") {
			if d = strings.Join(strings.Fields(d), " "); d != "" {
				decls = append(decls, d)
			}
		}
	}
	return strings.Join(decls, "; ")
}

// openElement is an element whose end tag has not been seen yet.
type openElement struct {
	tag     string
	classes []string
}

// attrEscaper escapes a double-quoted attribute value: the templates' CSS
// quotes font names with single quotes, which then stay readable.
var attrEscaper = strings.NewReplacer("&", "&amp;", `"`, "&#34;")

// startTag writes a start tag with its attributes, values escaped.
func startTag(tok xhtml.Token, selfClosing bool) string {
	var b strings.Builder
	b.WriteByte('<')
	b.WriteString(tok.Data)
	for _, a := range tok.Attr {
		b.WriteByte(' ')
		b.WriteString(a.Key)
		b.WriteString(`="`)
		b.WriteString(attrEscaper.Replace(a.Val))
		b.WriteByte('"')
	}
	if selfClosing {
		b.WriteString(" /")
	}
	b.WriteByte('>')
	return b.String()
}
