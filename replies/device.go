package replies

import "strings"

// isDeviceLine reports whether a line is one a mail client adds to say
// where the reply was written ("Sent from my iPhone", "Sent with Spark",
// "Get Outlook for Android", "Envoyé de mon iPhone", "Von meinem iPhone
// gesendet", "iPhoneから送信", ...). Such a line is never the owner's text
// and never a command. An English "Sent from my ..." or "Sent with ..."
// line that names no device or mail app before its first punctuation and
// goes on after it ("Sent from my own account, thanks", "Sent from my desk,
// easier than my phone") is the sent command.
func isDeviceLine(t string) bool {
	l := strings.ToLower(strings.TrimLeft(trimSpace(withoutLinks(t)), "-–—*_~ \t"))
	if l == "" || len(l) > 200 {
		return false
	}
	for _, p := range devicePrefixes {
		if strings.HasPrefix(l, p) {
			// "Inviato da iPhone", "Envoyé avec Spark", but not a
			// sentence of notes that starts the same way ("Envoyé de
			// Paris hier soir").
			return namesDevice(l) || len(strings.Fields(l)) <= 4
		}
	}
	for _, p := range []string{"sent via ", "sent using "} {
		if strings.HasPrefix(l, p) {
			return namesDevice(l) // "Sent via LinkedIn" is the command
		}
	}
	for _, p := range ambiguousDevicePrefixes {
		if strings.HasPrefix(l, p) {
			// The device is named before the first punctuation ("Sent
			// from my Verizon, Samsung Galaxy smartphone"), or the line
			// is short and says nothing more.
			first, _, more := strings.Cut(l, ",")
			if i := strings.IndexAny(first, ".;!?"); i >= 0 {
				first, more = first[:i], true
			}
			return namesDevice(first) || !more && len(strings.Fields(l)) <= 8
		}
	}
	end := strings.TrimRight(l, ".!。 ")
	for _, s := range deviceTails {
		if strings.HasSuffix(end, s) && namesDevice(l) {
			return true
		}
	}
	return false
}

// namesDevice reports whether a lower-cased line names a device or a mail
// app.
func namesDevice(l string) bool {
	for _, d := range deviceNames {
		if strings.Contains(l, d) {
			return true
		}
	}
	return false
}

// withoutLinks takes out of a line what clients write as links: "<...>"
// and bare http(s) URLs ("Sent from TypeApp<http://www.typeapp.com/r>").
func withoutLinks(t string) string {
	if !strings.ContainsAny(t, "<:") {
		return t
	}
	var b strings.Builder
	for len(t) > 0 {
		i := strings.IndexByte(t, '<')
		j := strings.Index(t, "http")
		switch {
		case i >= 0 && (j < 0 || i < j):
			b.WriteString(t[:i])
			end := strings.IndexByte(t[i:], '>')
			if end < 0 {
				return b.String()
			}
			t = t[i+end+1:]
		case j >= 0 && (strings.HasPrefix(t[j:], "http://") || strings.HasPrefix(t[j:], "https://")):
			b.WriteString(t[:j])
			end := strings.IndexAny(t[j:], " \t")
			if end < 0 {
				return b.String()
			}
			t = t[j+end:]
		case j >= 0:
			b.WriteString(t[:j+4])
			t = t[j+4:]
		default:
			b.WriteString(t)
			t = ""
		}
	}
	return b.String()
}
