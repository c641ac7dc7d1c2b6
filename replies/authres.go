package replies

import "strings"

// authResults is one Authentication-Results header (RFC 8601):
//
//	authserv-id [version] ( "; none" / 1*( ";" method[/version]=result
//	    [reason=value] *(ptype.property=value) ) )
//
// with comments in parentheses and quoted strings allowed between the parts.
type authResults struct {
	// servID is the authserv-id, lower-cased; "" when the header has none
	// (Microsoft 365 writes results straight after the colon).
	servID  string
	results []authResult
}

// authResult is one method's result.
type authResult struct {
	method string // lower-cased, without its version: "dkim", "spf", "dmarc"...
	result string // lower-cased: "pass", "fail", "none"...
	reason string
	// props holds ptype.property=value pairs with lower-cased keys
	// ("header.d", "smtp.mailfrom"), and any other key=value the server wrote
	// ("action", Microsoft's).
	props map[string]string
}

// maxAuthResults bounds the results read from one header.
const maxAuthResults = 64

// parseAuthResults reads one header value. It never fails: what cannot be
// read is skipped, so a garbled statement costs only itself.
func parseAuthResults(v string) authResults {
	var ar authResults
	for i, stmt := range authResStatements(v) {
		if len(stmt) == 0 {
			continue
		}
		if i == 0 && !strings.Contains(stmt[0], "=") {
			// authserv-id, then perhaps a version number: ignored.
			ar.servID = strings.ToLower(stmt[0])
			continue
		}
		res, ok := parseResinfo(stmt)
		if ok && len(ar.results) < maxAuthResults {
			ar.results = append(ar.results, res)
		}
	}
	return ar
}

// parseResinfo reads "method[/version]=result" and the key=value pairs after
// it; ok is false when the first word is not of that form.
func parseResinfo(words []string) (authResult, bool) {
	key, val, ok := strings.Cut(words[0], "=")
	if !ok {
		return authResult{}, false
	}
	method, _, _ := strings.Cut(key, "/")
	res := authResult{
		method: strings.ToLower(strings.TrimSpace(method)),
		result: strings.ToLower(strings.TrimSpace(val)),
	}
	if res.method == "" || res.result == "" {
		return authResult{}, false
	}
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if k == "" {
			continue
		}
		if k == "reason" {
			res.reason = v
			continue
		}
		if res.props == nil {
			res.props = make(map[string]string)
		}
		if _, seen := res.props[k]; !seen {
			res.props[k] = v
		}
	}
	return res, true
}

// authResStatements splits a header value into its ";"-separated statements,
// each a list of words. Comments are dropped; a quoted string becomes part of
// the word it is in, unquoted; "key = value" written with spaces around the
// "=" becomes one word "key=value".
func authResStatements(v string) [][]string {
	var (
		stmts  [][]string
		words  []string
		word   strings.Builder
		inWord bool
	)
	endWord := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == ';':
			endWord()
			stmts = append(stmts, joinEquals(words))
			words = nil
		case c == '(':
			endWord()
			i = skipComment(v, i)
		case c == '"':
			inWord = true
			i = readQuoted(v, i, &word)
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			endWord()
		default:
			inWord = true
			word.WriteByte(c)
		}
	}
	endWord()
	stmts = append(stmts, joinEquals(words))
	return stmts
}

// skipComment returns the index of the ")" that closes the comment opened at
// v[open], allowing nesting and backslash escapes; len(v) when it is never
// closed.
func skipComment(v string, open int) int {
	depth := 0
	for i := open; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return len(v)
}

// readQuoted appends the content of the quoted string opened at v[open] to
// w, unescaped, and returns the index of its closing quote (len(v) when
// unclosed).
func readQuoted(v string, open int, w *strings.Builder) int {
	for i := open + 1; i < len(v); i++ {
		switch v[i] {
		case '\\':
			if i+1 < len(v) {
				i++
				w.WriteByte(v[i])
			}
		case '"':
			return i
		default:
			w.WriteByte(v[i])
		}
	}
	return len(v)
}

// joinEquals glues "key", "=", "value" (and "key=", "value"; "key", "=value")
// into "key=value".
func joinEquals(words []string) []string {
	var out []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		for i+1 < len(words) && (strings.HasSuffix(w, "=") && !strings.Contains(strings.TrimSuffix(w, "="), "=") || strings.HasPrefix(words[i+1], "=") && !strings.Contains(w, "=")) {
			w += words[i+1]
			i++
		}
		out = append(out, w)
	}
	return out
}
