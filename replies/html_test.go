package replies

import (
	"strings"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"paragraphs and breaks", "<p>one</p><p>two<br>three</p>", "one\ntwo\nthree"},
		{"divs, empty div as blank line", "<div>sent</div><div><br></div><div>thanks</div>", "sent\n\nthanks"},
		{"entities", "<p>Caf&eacute; &amp; r&#233;sum&#xE9; &lt;ok&gt;&nbsp;fine</p>", "Café & résumé <ok> fine"},
		{"white space collapses", "<p>  a \n\t b   c  </p>", "a b c"},
		{"head, style and script dropped", "<html><head><title>T</title><style>p{color:red}</style></head><body><script>var x='sent';</script><p>skip</p></body></html>", "skip"},
		{"unclosed head ends at body", "<head><meta charset=utf-8><body><p>called</p>", "called"},
		{"blockquote quoted per level", "<p>mine</p><blockquote><p>theirs</p><blockquote>older</blockquote><p>back</p></blockquote><p>after</p>",
			"mine\n> theirs\n> > older\n> back\nafter"},
		{"pre keeps lines", "<pre>a  b\nc</pre>", "a  b\nc"},
		{"table cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"inline markup", "<p><b>Sent</b> it <i>today</i>!</p>", "Sent it today!"},
		{"comments", "<p>ok<!-- cancel --></p>", "ok"},
		{"broken markup reads as a browser shows it", "<p>ok<div <<>>< </p>", "ok\n><"},
		{"not html at all", "just text", "just text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(tt.in); got != tt.want {
				t.Errorf("HTMLToText(%q)\n = %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHTMLReplyOnly(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // StripQuoted(htmlToText(in, true))
	}{
		{
			name: "gmail",
			in: `<div dir="ltr">snooze 2d</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Tue, Dec 1, 2026 at 5:02 PM followupd &lt;<a href="mailto:f@example.org">f@example.org</a>&gt; wrote:<br></div>` +
				`<blockquote class="gmail_quote"><div>cancel</div></blockquote></div>`,
			want: "snooze 2d",
		},
		{
			name: "gmail, typed below the quote",
			in:   `<div class="gmail_quote"><div class="gmail_attr">On Tue, Dec 1, 2026, followupd wrote:</div><blockquote class="gmail_quote">cancel</blockquote></div><div>offer</div>`,
			want: "offer",
		},
		{
			name: "outlook: the quoted message follows its header unmarked",
			in: `<div>casual</div><hr><div id="divRplyFwdMsg"><b>From:</b> followupd<br><b>Sent:</b> Tuesday</div>` +
				`<div>Reply with: cancel</div>`,
			want: "casual",
		},
		{
			name: "outlook web quoted again (x_ prefix)",
			in:   `<div>formal</div><div id="x_appendonsend"></div><div>cancel</div>`,
			want: "formal",
		},
		{
			name: "thunderbird",
			in:   `<p>status</p><div class="moz-cite-prefix">On 12/1/26 5:02 PM, followupd wrote:<br></div><blockquote type="cite">cancel</blockquote>`,
			want: "status",
		},
		{
			name: "yahoo",
			in:   `<div>help</div><div class="yahoo_quoted"><div>On Tuesday, followupd wrote:</div><div>cancel</div></div>`,
			want: "help",
		},
		{
			name: "apple mail: attribution inside the blockquote",
			in:   `<div>skip</div><div><br><blockquote type="cite"><div>On 1 Dec 2026, at 17:02, followupd wrote:</div><div>cancel</div></blockquote></div>`,
			want: "skip",
		},
		{
			name: "unclosed quote container drops the rest",
			in:   `<p>sent</p><div class="gmail_quote"><p>cancel<div>snooze`,
			want: "sent",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := htmlToText(tt.in, true)
			if got := StripQuoted(text); got != tt.want {
				t.Errorf("reply text = %q (from %q), want %q", got, text, tt.want)
			}
			// Quoted text is left out, or kept only as "> " lines.
			for _, l := range strings.Split(text, "\n") {
				if strings.Contains(l, "cancel") && !strings.HasPrefix(l, ">") {
					t.Errorf("quoted text %q survived the HTML conversion unmarked", text)
				}
			}
		})
	}
}

func TestHTMLToTextDeepQuotes(t *testing.T) {
	in := strings.Repeat("<blockquote>x<br>", 20000)
	out := HTMLToText(in)
	if len(out) > 20000*(2*maxQuotePrefix+3) {
		t.Errorf("%d nested blockquotes gave %d bytes of text", 20000, len(out))
	}
	if !strings.HasPrefix(out, "> x\n> > x") {
		t.Errorf("text starts %.20q", out)
	}
}
