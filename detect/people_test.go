package detect

import (
	"reflect"
	"testing"

	"github.com/followupd/followupd/calendar"
	"github.com/followupd/followupd/interview"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		cn   string
		name string
		hon  interview.Honorific
	}{
		{"Jane Doe", "Jane Doe", ""},
		{"  Jane   Doe ", "Jane Doe", ""},
		{`"Jane Doe"`, "Jane Doe", ""},
		{`"Doe, Jane"`, "Jane Doe", ""}, // Outlook/Exchange "Last, First"
		{"Doe, Jane", "Jane Doe", ""},
		{"Doe, Jane Q.", "Jane Q. Doe", ""},
		{"Dr. Jane Doe", "Jane Doe", interview.Dr},
		{"Dr Jane Doe", "Jane Doe", interview.Dr},
		{"Mrs Smith", "Smith", interview.Mrs},
		{"Ms. Jane Doe", "Jane Doe", interview.Ms},
		{"MR. John Smith", "John Smith", interview.Mr},
		{"Miss Jane Doe", "Jane Doe", interview.Ms},
		{"Smith, Dr. John", "John Smith", interview.Dr},
		{"Jane Doe, PhD", "Jane Doe", interview.Dr},
		{"Jane Doe, Ph.D.", "Jane Doe", interview.Dr},
		{"Jane Doe PhD", "Jane Doe", interview.Dr},
		{"Ms. Jane Doe, MD", "Jane Doe", interview.Dr},
		{"John Smith, Jr.", "John Smith", ""},
		{"Doe, Jane, MBA", "Jane Doe", ""},
		{"Jane Doe (she/her)", "Jane Doe", ""},
		{"Jane Doe [Acme]", "Jane Doe", ""},
		{"Jane Doe <jane@acme.com>", "Jane Doe", ""},
		{"jane@acme.com", "", ""},
		{"'jane.doe@acme.com'", "", ""},
		{"", "", ""},
		{"Dr.", "", interview.Dr},
		{"Drew Barrymore", "Drew Barrymore", ""},     // "Dr" must be a whole word
		{"Mrsomething Else", "Mrsomething Else", ""}, // likewise "Mr"
		{"Acme, Inc., Recruiting", "Acme Inc. Recruiting", ""},
		{"Madonna", "Madonna", ""},
	}
	for _, tt := range tests {
		name, hon := parseName(tt.cn)
		if name != tt.name || hon != tt.hon {
			t.Errorf("parseName(%q) = %q, %q; want %q, %q", tt.cn, name, hon, tt.name, tt.hon)
		}
	}
}

func TestIsNoReply(t *testing.T) {
	tests := []struct {
		local string
		want  bool
	}{
		{"noreply", true}, {"no-reply", true}, {"No_Reply", true}, {"no.reply", true},
		{"donotreply", true}, {"do-not-reply", true}, {"do_not_reply+abc", true},
		{"notifications", true}, {"notification-123", true}, {"calendar-notification", true},
		{"mailer-daemon", true}, {"MAILER-DAEMON", true}, {"postmaster", true},
		{"recruiting-noreply", true},
		{"jane", false}, {"jane.doe", false}, {"noreen", false}, {"notes", false},
		{"recruiting", false}, {"replies", false},
	}
	for _, tt := range tests {
		if got := isNoReply(tt.local); got != tt.want {
			t.Errorf("isNoReply(%q) = %v, want %v", tt.local, got, tt.want)
		}
	}
}

func TestIsPerson(t *testing.T) {
	tests := []struct {
		p    calendar.Person
		want bool
	}{
		{person("jane@acme.com", "Jane Doe"), true},
		{calendar.Person{Email: "jane@acme.com"}, true}, // no CUTYPE: INDIVIDUAL by default
		{calendar.Person{Email: "jane@acme.com", CUType: "UNKNOWN"}, true},
		{calendar.Person{Email: "r1@acme.com", Name: "Everest", CUType: "ROOM"}, false},
		{calendar.Person{Email: "proj@acme.com", Name: "Projector", CUType: "RESOURCE"}, false},
		{calendar.Person{Email: "panel@acme.com", Name: "Panel", CUType: "GROUP"}, false},
		{person("acme.com_3132373437@resource.calendar.google.com", "NYC-9-Everest (10)"), false},
		{person("room.4b@acme.com", "4B"), false},
		{person("room12@acme.com", ""), false},
		{person("room@acme.com", ""), false},
		{person("confroom-everest@acme.com", ""), false},
		{person("everest@acme.com", "Room Everest"), false},
		{person("everest@acme.com", `"Conference Room – Everest"`), false},
		{person("roman@acme.com", "Roman Polanski"), true},
		{person("roomba@acme.com", "Roomba Fan"), true},
		{person("jane@acme.com", "Roomie Jane"), true},
		{person("noreply@acme.com", "Acme Careers"), false},
		{person("calendar-notification@google.com", "Google Calendar"), false},
		{person("jane@calendly.com", "Jane Doe"), false},
		{person("recruiter@hire.lever.co", "Acme Recruiting"), false},
		{person("abc123@group.calendar.google.com", "Interviews"), false},
		{person("jane@google.com", "Jane Doe"), true}, // Google the employer
		{person("jane@microsoft.com", "Jane Doe"), true},
		{person("jane@gmail.com", "Jane Doe"), true}, // a person, just no company
		{calendar.Person{Name: "Jane Doe"}, false},   // no address
		{calendar.Person{Email: "urn:uuid:1234", Name: "Jane Doe"}, false},
		{calendar.Person{Email: "@acme.com"}, false},
	}
	for _, tt := range tests {
		email := tt.p.Email
		if got := isPerson(tt.p, email); got != tt.want {
			t.Errorf("isPerson(%+v) = %v, want %v", tt.p, got, tt.want)
		}
	}
}

func TestInterviewers(t *testing.T) {
	owner := calendar.Person{Email: ownerEmail, Name: "Sam Seeker", PartStat: "ACCEPTED"}
	janeOrg := &calendar.Person{Email: "jane.doe@acme.com", Name: "Jane Doe"}
	iv := func(name, email string, h interview.Honorific) interview.Interviewer {
		return interview.Interviewer{Name: name, Email: email, Honorific: h}
	}
	tests := []struct {
		name      string
		organizer *calendar.Person
		attendees []calendar.Person
		desc      string
		want      []interview.Interviewer
	}{
		{
			name:      "Google: organizer listed again as attendee, room, owner",
			organizer: janeOrg,
			attendees: []calendar.Person{
				{Email: "jane.doe@acme.com", Name: "Jane Doe", CUType: "INDIVIDUAL", PartStat: "ACCEPTED"},
				owner,
				{Email: "acme.com_3132@resource.calendar.google.com", Name: "HQ-2-Everest (8)", CUType: "RESOURCE"},
			},
			want: []interview.Interviewer{iv("Jane Doe", "jane.doe@acme.com", "")},
		},
		{
			name:      "Outlook: Last, First CN, room by CUTYPE, organizer not repeated",
			organizer: &calendar.Person{Email: "Jane.Doe@Acme.com", Name: "Doe, Jane"},
			attendees: []calendar.Person{
				{Email: ownerEmail, Name: ownerEmail, Role: "REQ-PARTICIPANT"},
				{Email: "bob.smith@acme.com", Name: "Smith, Bob", Role: "OPT-PARTICIPANT"},
				{Email: "conf-everest@acme.com", Name: "Conf Everest", CUType: "ROOM", Role: "NON-PARTICIPANT"},
			},
			want: []interview.Interviewer{iv("Jane Doe", "jane.doe@acme.com", ""), iv("Bob Smith", "bob.smith@acme.com", "")},
		},
		{
			name:      "Apple: quoted CN, mailto: upper-case address, CN is the address",
			organizer: &calendar.Person{Email: "MAILTO:Jane@Acme.com", Name: `"Dr. Jane Doe"`},
			attendees: []calendar.Person{
				{Email: "mailto:bob@acme.com", Name: "bob@acme.com", CUType: "INDIVIDUAL"},
				owner,
			},
			want: []interview.Interviewer{iv("Jane Doe", "jane@acme.com", interview.Dr), iv("", "bob@acme.com", "")},
		},
		{
			name: "panel of two, owner alias among attendees",
			attendees: []calendar.Person{
				{Email: "SAM.SEEKER@alias.example.net", Name: "Sam"},
				person("ann@globex.com", "Ann Lee"),
				person("raj@globex.com", "Raj Patel"),
			},
			want: []interview.Interviewer{iv("Ann Lee", "ann@globex.com", ""), iv("Raj Patel", "raj@globex.com", "")},
		},
		{
			name:      "organizer is a scheduling tool",
			organizer: &calendar.Person{Email: "no-reply@calendly.com", Name: "Calendly"},
			attendees: []calendar.Person{owner, person("jane@acme.com", "Jane Doe")},
			want:      []interview.Interviewer{iv("Jane Doe", "jane@acme.com", "")},
		},
		{
			name:      "organizer is an ATS, interviewers attend",
			organizer: &calendar.Person{Email: "scheduling@greenhouse.io", Name: "Acme Recruiting"},
			attendees: []calendar.Person{person("jane@acme.com", "Jane Doe"), owner},
			want:      []interview.Interviewer{iv("Jane Doe", "jane@acme.com", "")},
		},
		{
			name:      "owner organizes, no one else",
			organizer: &calendar.Person{Email: ownerEmail, Name: "Sam Seeker"},
			attendees: []calendar.Person{owner},
			want:      nil,
		},
		{
			name: "declined interviewer, no-reply, group and address-less attendee left out",
			attendees: []calendar.Person{
				{Email: "jane@acme.com", Name: "Jane Doe", PartStat: "DECLINED"},
				person("noreply@acme.com", "Acme Careers"),
				{Email: "panel@acme.com", Name: "Panel", CUType: "GROUP"},
				{Name: "Someone"},
				person("bob@acme.com", "Bob Smith"),
			},
			want: []interview.Interviewer{iv("Bob Smith", "bob@acme.com", "")},
		},
		{
			name:      "shared team mailboxes are not people",
			organizer: &calendar.Person{Email: "recruiting@globex.com", Name: "Globex Recruiting"},
			attendees: []calendar.Person{
				person("talent-acquisition@globex.com", ""),
				person("careers@globex.com", "careers@globex.com"),
				person("jobs+acme@globex.com", ""),
				person("team@globex.com", "Acme Talent Team"),
				person("hr@globex.co.uk", "Mrs Patricia Hale"), // a named person at a role address
				person("hrodriguez@globex.com", ""),            // an initial, not "hr"
				person("sam.lee@globex.com", "Dr. Sam Lee"),
			},
			want: []interview.Interviewer{
				iv("Patricia Hale", "hr@globex.co.uk", interview.Mrs),
				iv("", "hrodriguez@globex.com", ""),
				iv("Sam Lee", "sam.lee@globex.com", interview.Dr),
			},
		},
		{
			name:      "honorific from description",
			attendees: []calendar.Person{person("jane@acme.com", "Jane Doe"), person("bob@acme.com", "Bob Smith"), person("li@acme.com", "")},
			desc:      "You will meet Ms. Jane Doe (team lead) and later Dr Smith's team.",
			want: []interview.Interviewer{
				iv("Jane Doe", "jane@acme.com", interview.Ms), iv("Bob Smith", "bob@acme.com", interview.Dr), iv("", "li@acme.com", ""),
			},
		},
		{
			name:      "CN honorific wins over the description",
			attendees: []calendar.Person{person("jane@acme.com", "Mrs. Jane Doe")},
			desc:      "with Dr. Doe",
			want:      []interview.Interviewer{iv("Jane Doe", "jane@acme.com", interview.Mrs)},
		},
		{
			name:      "mention of another first name does not match",
			attendees: []calendar.Person{person("jane@acme.com", "Jane Doe")},
			desc:      "Mr. John Doe will greet you at reception.",
			want:      []interview.Interviewer{iv("Jane Doe", "jane@acme.com", "")},
		},
		{
			name:      "ambiguous mention is ignored, full one is used",
			attendees: []calendar.Person{person("jane@acme.com", "Jane Doe"), person("john@acme.com", "John Doe")},
			desc:      "with Dr. Doe, and Mr. John Doe",
			want:      []interview.Interviewer{iv("Jane Doe", "jane@acme.com", ""), iv("John Doe", "john@acme.com", interview.Mr)},
		},
		{
			name:      "lower-case word after a title is not a name",
			attendees: []calendar.Person{person("jane@acme.com", "Jane Doe")},
			desc:      "Parking: Dr. doe lane, then ask for Jane Doe",
			want:      []interview.Interviewer{iv("Jane Doe", "jane@acme.com", "")},
		},
		{
			name:      "HTML description",
			attendees: []calendar.Person{person("jane@acme.com", "Jane Doe")},
			desc:      plainText("<p>You will meet <b>Ms.&nbsp;Doe</b></p>"),
			want:      []interview.Interviewer{iv("Jane Doe", "jane@acme.com", interview.Ms)},
		},
	}
	cfg := testConfig(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := calendar.Event{UID: "u", Summary: "Interview", Organizer: tt.organizer, Attendees: tt.attendees, Start: start, End: end}
			got := interviewers(ev, cfg.Owner, tt.desc)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("interviewers =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestPlausibleAddress(t *testing.T) {
	tests := []struct {
		email string
		want  bool
	}{
		{"jane@acme.com", true},
		{"jane.doe+tag@eng.acme.co.uk", true},
		{"jane@localhost", true},
		{"jane@@acme.com", false},
		{"jane@acme.com@evil.com", false},
		{"jane doe@acme.com", false},
		{"jane@acme\n.com", false},
		{"jane@acme.com>", false},
		{`"jane"@acme.com`, false},
		{"jane@acme.com,bob@acme.com", false},
		{"jane@\xff.com", false},
	}
	for _, tt := range tests {
		if got := plausibleAddress(tt.email); got != tt.want {
			t.Errorf("plausibleAddress(%q) = %v, want %v", tt.email, got, tt.want)
		}
	}
}
