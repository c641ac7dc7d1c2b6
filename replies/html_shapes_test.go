package replies

import (
	"strings"
	"testing"
	"time"
)

// htmlReminder is the reminder as clients quote its HTML part.
const htmlReminder = `<p>Time for your thank-you note to Jane Doe at Acme Corp.</p>` +
	`<p>The interview ended at 11:00. The draft is below: edit it, send it, then reply sent.</p>` +
	`<table><tr><td><code>sent</code> or <code>done</code></td><td>the thank-you note is on its way</td></tr>` +
	`<tr><td><code>cancel</code></td><td>the interview is off: drop all its follow-ups</td></tr></table>`

// HTML replies of the clients that quote in HTML, each checked the way Read
// reads an HTML-only reply.
func TestHTMLReplyShapes(t *testing.T) {
	rules := testRules(t)
	date := time.Date(2026, 12, 1, 22, 30, 0, 0, time.UTC)
	tests := []struct {
		name     string
		html     string
		answered string
		cmd      Command
		notes    string
		rule     string
	}{
		{
			name: "gmail, the owner's own blockquote kept",
			html: `<div dir="ltr"><div>notes: She said the team</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px"><div>ships every Tuesday</div></blockquote><div>and hires two more.</div></div><br>` +
				`<div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Tue, Dec 1, 2026 at 5:02 PM followupd &lt;<a href="mailto:followupd@example.org">followupd@example.org</a>&gt; wrote:<br></div>` +
				`<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">` + htmlReminder + `</blockquote></div>`,
			cmd: Notes, notes: "She said the team\nships every Tuesday\nand hires two more.", rule: "html quote gmail_quote",
		},
		{
			name: "gmail in German",
			html: `<div dir="ltr">sent</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Am Di., 1. Dez. 2026 um 17:02 Uhr schrieb followupd &lt;followupd@example.org&gt;:<br></div><blockquote class="gmail_quote">` + htmlReminder + `</blockquote></div>`,
			cmd:  Sent, rule: "html quote gmail_quote",
		},
		{
			name: "outlook desktop: header block in a bordered div",
			html: `<div class="WordSection1"><p class="MsoNormal">skip<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>` +
				`<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in"><p class="MsoNormal"><b>From:</b> followupd &lt;followupd@example.org&gt;<br><b>Sent:</b> Tuesday, December 1, 2026 5:02 PM<br><b>To:</b> Alex Morgan &lt;alex.morgan@example.org&gt;<br><b>Subject:</b> Thank-you note</p></div>` +
				htmlReminder + `</div>`,
			cmd: Skip, rule: "header block line 2",
		},
		{
			name: "outlook desktop in French",
			html: `<p class="MsoNormal">called</p><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>De&nbsp;:</b> followupd &lt;followupd@example.org&gt;<br><b>Envoyé&nbsp;:</b> mardi 1 décembre 2026 17:02<br><b>À&nbsp;:</b> Alex Morgan<br><b>Objet&nbsp;:</b> Rappel</p></div>` + htmlReminder,
			cmd:  Called, rule: "header block line 2",
		},
		{
			name: "outlook web",
			html: `<div dir="ltr">offer</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> followupd<br><b>Sent:</b> Tuesday, December 1, 2026 10:02 PM</div>` + htmlReminder,
			cmd:  Offer, rule: "html quote divrplyfwdmsg",
		},
		{
			name: "outlook mobile: device line, then the quote",
			html: `<div dir="auto">called</div><div id="ms-outlook-mobile-signature"><div>Get <a href="https://aka.ms/o0ukef">Outlook for iOS</a></div></div><hr><div id="divRplyFwdMsg"><b>From:</b> followupd</div>` + htmlReminder,
			cmd:  Called, rule: "device line 2",
		},
		{
			name: "outlook mobile, nothing typed",
			html: `<div id="ms-outlook-mobile-signature"><div>Get <a href="https://aka.ms/o0ukef">Outlook for Android</a></div></div><hr><div id="divRplyFwdMsg"><b>From:</b> followupd</div>` + htmlReminder,
			cmd:  Unknown, rule: "device line 1",
		},
		{
			name: "yahoo",
			html: `<div class="ydp3c5a7b2fyahoo-style-wrap"><div>tomorrow</div></div><div id="yahoo_quoted_8812345" class="yahoo_quoted"><div style="font-size:13px"><div>On Tuesday, December 1, 2026, 05:02:11 PM EST, followupd &lt;followupd@example.org&gt; wrote:</div>` + htmlReminder + `</div></div>`,
			cmd:  Snooze, rule: "html quote yahoo_quoted",
		},
		{
			name: "apple mail on the iPhone",
			html: `<html><body dir="auto"><div>notes: Met the CTO.</div><div><br></div><div>Sent from my iPhone</div><div><br><blockquote type="cite">On Dec 1, 2026, at 17:02, followupd &lt;followupd@example.org&gt; wrote:<br><br></blockquote></div><blockquote type="cite"><div>` + htmlReminder + `</div></blockquote></body></html>`,
			cmd:  Notes, notes: "Met the CTO.", rule: "device line 3",
		},
		{
			name: "apple mail on the Mac, the owner's own blockquote kept",
			html: `<div>notes: The offer letter says</div><blockquote style="margin: 0 0 0 40px; border: none; padding: 0px;"><div>start date in January</div></blockquote><div><br><blockquote type="cite"><div>On 1 Dec 2026, at 17:02, followupd &lt;followupd@example.org&gt; wrote:</div><br class="Apple-interchange-newline">` + htmlReminder + `</blockquote></div>`,
			cmd:  Notes, notes: "The offer letter says\nstart date in January", rule: "quote marks line 4",
		},
		{
			name: "thunderbird",
			html: `<p>status</p><div class="moz-cite-prefix">On 12/1/26 17:02, followupd wrote:<br></div><blockquote type="cite" cite="mid:r.x.0@example.org">` + htmlReminder + `</blockquote>`,
			cmd:  Status, rule: "quote marks line 2",
		},
		{
			name: "proton",
			html: `<div>sent</div><div class="protonmail_quote">On Tuesday, December 1st, 2026 at 17:02, followupd &lt;followupd@example.org&gt; wrote:<br><blockquote class="protonmail_quote" type="cite">` + htmlReminder + `</blockquote></div>`,
			cmd:  Sent, rule: "html quote protonmail_quote",
		},
		{
			name: "webmail: plain blockquote below an attribution",
			html: `<p>sent</p><p>On Tue, Dec 1, 2026 at 17:02, followupd wrote:</p><blockquote>` + htmlReminder + `</blockquote>`,
			cmd:  Sent, rule: "attribution line 2",
		},
		{
			name: "webmail: plain blockquote, unknown header, reminder known",
			html: `<p>skip</p><p>Ο χρήστης followupd έγραψε:</p><blockquote>` + htmlReminder + `</blockquote>`, answered: shapeReminder,
			cmd: Skip, rule: "reminder text line 2",
		},
		{
			name: "gmail signature left out of the notes",
			html: `<div dir="ltr">notes: Second round on Monday.<br clear="all"><div><br></div><span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">Alex Morgan<br>+1 555 0100</div></div><br><div class="gmail_quote"><div class="gmail_attr">On Tue, Dec 1, 2026 at 5:02 PM followupd wrote:</div><blockquote class="gmail_quote">` + htmlReminder + `</blockquote></div>`,
			cmd:  Notes, notes: "Second round on Monday.", rule: "html quote gmail_quote",
		},
		{
			name: "outlook web signature left out of the notes",
			html: `<div>notes: Asked for the salary band.</div><div id="Signature"><div>Alex Morgan</div></div><hr><div id="divRplyFwdMsg"><b>From:</b> followupd</div>` + htmlReminder,
			cmd:  Notes, notes: "Asked for the salary band.", rule: "html quote divrplyfwdmsg",
		},
		{
			name: "a plain blockquote that ends the reply is a quote",
			html: `<div>sent<br></div><div><br></div><blockquote style="border-left:1px solid #ccc;padding-left:8px">` + htmlReminder + `</blockquote>`,
			cmd:  Sent, rule: "quote marks line 3",
		},
		{
			name: "the owner's plain blockquote above an attribution",
			html: `<div>notes: Her words:</div><blockquote>Decision by Friday.</blockquote><div>On Tue, Dec 1, 2026 at 17:02, followupd &lt;followupd@example.org&gt; wrote:</div><blockquote><div>` + htmlReminder + `</div></blockquote>`,
			cmd:  Notes, notes: "Her words:\nDecision by Friday.", rule: "attribution line 3",
		},
		{
			name: "the owner's blockquote and no quote at all",
			html: `<p>notes: She said:</p><blockquote>We decide by Friday.</blockquote><p>Fingers crossed.</p>`,
			cmd:  Notes, notes: "She said:\nWe decide by Friday.\nFingers crossed.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, htmlCut := htmlToTextCut(tt.html, true)
			own, rule := StripQuotedFrom(text, tt.answered)
			if rule == "" {
				rule = htmlCut
			}
			r := ParseCommand(own, date, rules)
			if r.Command != tt.cmd || r.Notes != tt.notes || rule != tt.rule {
				t.Errorf("read %q, notes %q, rule %q; want %q, %q, %q\ntext: %q", r.Command, r.Notes, rule, tt.cmd, tt.notes, tt.rule, text)
			}
			if strings.Contains(own, "cancel") || strings.Contains(own, "Time for your") {
				t.Errorf("own text holds the quote: %q", own)
			}
		})
	}
}
