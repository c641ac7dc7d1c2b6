package employer

import (
	"net/mail"
	"strings"
	"testing"
)

func addr(name, a string) mail.Address { return mail.Address{Name: name, Address: a} }

func TestClassify(t *testing.T) {
	tests := []struct {
		name     string
		m        Message
		employer bool
		kind     Kind
		company  string
	}{
		// Rejections.
		{"en rejection via Lever", Message{From: addr("Initech Talent", "no-reply@hire.lever.co"),
			Subject: "Your application to Initech",
			Text: "Hi Sam,\n\nThank you for taking the time to interview with us. After careful consideration we have " +
				"decided to move forward with other candidates whose experience more closely matches the role.\n\nBest,\nInitech"},
			true, Rejection, "Initech"},
		{"de rejection from company domain", Message{From: addr("Petra Schulz", "petra.schulz@globex.de"),
			Subject: "Ihre Bewerbung als Backend-Entwickler",
			Text: "Sehr geehrter Herr Roe,\n\nvielen Dank für Ihr Interesse und das angenehme Gespräch. Leider haben wir uns " +
				"für einen anderen Kandidaten entschieden.\n\nMit freundlichen Grüßen"},
			true, Rejection, "Globex"},
		{"fr rejection via Greenhouse", Message{From: addr("Umbrella Recrutement", "no-reply@us.greenhouse-mail.io"),
			Subject: "Votre candidature chez Umbrella",
			Text:    "Bonjour,\n\nNous vous remercions pour l'entretien. Malheureusement, votre candidature n'a pas été retenue pour ce poste."},
			true, Rejection, "Umbrella"},
		{"es rejection", Message{From: addr("Talento Hooli", "talento@hooli.es"),
			Subject: "Tu candidatura en Hooli",
			Text:    "Hola Sam:\n\nGracias por tu tiempo en la entrevista. Hemos decidido continuar con otros candidatos para el puesto."},
			true, Rejection, "Hooli"},
		{"rejection that mentions an offer it cannot make", Message{From: addr("", "jobs@acme.com"),
			Subject: "Update on your candidacy",
			Text:    "We are unable to offer you the position at this time, but we will keep your details on file."},
			true, Rejection, "Acme"},

		// Offers.
		{"en offer via Ashby", Message{From: addr("Acme Recruiting Team", "no-reply@ashbyhq.com"),
			Subject: "Your offer from Acme",
			Text:    "Hi Sam, we are delighted to offer you the position of Senior Backend Engineer. The offer letter is attached."},
			true, Offer, "Acme"},
		{"de offer", Message{From: addr("Jana Weber", "jana.weber@initech.de"),
			Subject: "Ihre Bewerbung",
			Text:    "Hallo Herr Roe, wir freuen uns, Ihnen die Stelle anbieten zu können. Den Vertrag senden wir Ihnen morgen."},
			true, Offer, "Initech"},
		{"fr offer", Message{From: addr("Claire Martin", "claire.martin@umbrella.fr"),
			Subject: "Proposition",
			Text:    "Bonjour, suite à nos entretiens, nous avons le plaisir de vous proposer le poste de développeur."},
			true, Offer, "Umbrella"},
		{"es offer", Message{From: addr("Lucía Pérez", "lucia@hooli.es"),
			Subject: "Buenas noticias",
			Text:    "Hola Sam, después de las entrevistas nos alegra ofrecerte el puesto. Adjuntamos la carta de oferta."},
			true, Offer, "Hooli"},

		// Next rounds.
		{"en next round via Greenhouse", Message{From: addr("Globex via Greenhouse", "no-reply@greenhouse.io"),
			Subject: "Next steps with Globex",
			Text:    "Great news! The team would like to invite you to the final round. Please pick a time that suits you."},
			true, NextRound, "Globex"},
		{"de next round", Message{From: addr("", "karriere@acme.de"),
			Subject: "Ihre Bewerbung",
			Text:    "Guten Tag, wir möchten Sie gerne zu einem zweiten Gespräch mit unserem CTO einladen."},
			true, NextRound, "Acme"},
		{"fr next round", Message{From: addr("", "rh@initech.fr"),
			Subject: "Votre candidature",
			Text:    "Bonjour, nous souhaitons vous rencontrer pour un deuxième entretien avec l'équipe."},
			true, NextRound, "Initech"},
		{"es next round", Message{From: addr("", "rrhh@globex.es"),
			Subject: "Proceso de selección",
			Text:    "Hola, nos gustaría que pasaras a la siguiente fase del proceso: una entrevista técnica."},
			true, NextRound, "Globex"},

		// Scheduling.
		{"en reschedule that says unfortunately", Message{From: addr("Jane Doe", "jane.doe@acme.com"),
			Subject: "Our interview on Thursday",
			Text:    "Hi Sam, unfortunately I have a conflict on Thursday. Could we reschedule the interview to Friday at 10:00?"},
			true, Scheduling, "Acme"},
		{"reschedule of a second interview", Message{From: addr("", "recruiting@acme.com"),
			Subject: "Your second interview",
			Text:    "Unfortunately we need to reschedule your second interview. Please select a time."},
			true, Scheduling, "Acme"},
		{"en pick a time via Calendly", Message{From: addr("Initech Recruiting", "notifications@calendly.com"),
			Subject: "Interview scheduling",
			Text:    "Please pick a time for your interview using the link below."},
			true, Scheduling, "Initech"},
		{"de reschedule", Message{From: addr("", "personal@globex.de"),
			Subject: "Ihr Vorstellungsgespräch",
			Text:    "Leider müssen wir unser Gespräch verschieben. Passt Ihnen der Dienstag?"},
			true, Scheduling, "Globex"},
		{"fr reschedule", Message{From: addr("", "rh@umbrella.fr"),
			Subject: "Entretien",
			Text:    "Malheureusement, nous devons décaler notre entretien. Voici un nouveau créneau : mardi 14h."},
			true, Scheduling, "Umbrella"},
		{"es reschedule", Message{From: addr("", "seleccion@hooli.es"),
			Subject: "Tu entrevista",
			Text:    "Lamentablemente tenemos que reprogramar la entrevista. ¿Te viene bien una nueva fecha?"},
			true, Scheduling, "Hooli"},

		// Look-alikes.
		{"a sale's special offer", Message{From: addr("Gadget Shop", "deals@gadgetshop.com"), Bulk: true,
			Subject: "Special offer: 30% off this weekend only",
			Text:    "Our best offer of the year! Shop now, limited time. Unsubscribe here."},
			false, "", ""},
		{"a sale without list headers", Message{From: addr("Gadget Shop", "deals@gadgetshop.com"),
			Subject: "A special offer for you",
			Text:    "This exclusive offer ends Sunday. Use promo code SAVE20."},
			false, "", ""},
		{"a job alert full of interview", Message{From: addr("JobBoard", "alerts@jobboard.example"),
			Subject: "Job alert: 25 new jobs matching 'backend engineer'",
			Text: "Interview tips: ace your next interview! Acme is hiring: Senior Backend Engineer - interview process in 2 weeks. " +
				"Initech: we are pleased to offer you a fast interview. Globex: reschedule-free interviews."},
			false, "", ""},
		{"a German job alert", Message{From: addr("", "jobs@stellenportal.example"),
			Subject: "Neue Jobs für Sie",
			Text:    "Passende Jobs: Backend-Entwickler bei Acme – Vorstellungsgespräch per Video."},
			false, "", ""},
		{"an application receipt", Message{From: addr("Acme Careers", "no-reply@hire.lever.co"),
			Subject: "Thank you for applying to Acme",
			Text:    "We have received your application for Senior Backend Engineer. If your profile matches, we will be in touch to schedule an interview."},
			true, Other, "Acme"},
		{"a French receipt", Message{From: addr("", "recrutement@umbrella.fr"),
			Subject: "Accusé de réception",
			Text:    "Nous avons bien reçu votre candidature et reviendrons vers vous pour planifier un entretien."},
			true, Other, "Umbrella"},
		{"a friend's message", Message{From: addr("Max", "max@gmail.com"),
			Subject: "Dinner?", Text: "Shall we meet on Friday?"},
			false, "", ""},
		{"a friend asking about an interview", Message{From: addr("Max", "max@gmail.com"),
			Subject: "How was the interview?", Text: "Tell me everything!"},
			false, "", ""},
		{"a recruiter on free mail with an offer", Message{From: addr("Kim", "kim.recruits@gmail.com"),
			Subject: "Offer", Text: "Hi Sam, I'm happy to offer you the role at Initech. Details attached."},
			true, Offer, "Initech"},
		{"a known interviewer on free mail", Message{From: addr("Jane", "jane@gmail.com"), KnownSender: true,
			Subject: "Re: thanks", Text: "We would like to move you forward to the onsite."},
			true, NextRound, ""},
		{"a company newsletter", Message{From: addr("Acme", "news@acme.com"), Bulk: true,
			Subject: "Acme monthly", Text: "We're hiring! Join our team: 12 open positions."},
			false, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := Classify(tc.m)
			if v.Employer != tc.employer || v.Kind != tc.kind || v.Company != tc.company {
				t.Errorf("Classify = employer %v, kind %q, company %q (%s); want %v, %q, %q",
					v.Employer, v.Kind, v.Company, v.Reason, tc.employer, tc.kind, tc.company)
			}
			if v.Reason == "" {
				t.Error("no reason given")
			}
		})
	}
}

func TestClassifyHugeAndHostile(t *testing.T) {
	big := strings.Repeat("interview ", 1<<17) + " decided not to move forward"
	v := Classify(Message{From: addr("", "hr@acme.com"), Text: big})
	if v.Kind == Rejection {
		t.Error("a phrase past the scan limit was read")
	}
	v = Classify(Message{From: addr("\x00", "\xff@\xfe"), Subject: "\xff\xfe", Text: "\x00interview"})
	if v.Reason == "" {
		t.Error("no reason for a broken message")
	}
}

func TestPhrasesMatchThemselves(t *testing.T) {
	// Every phrase must be findable after normalisation: a phrase that
	// normalises to nothing, or differently from text, would never match.
	for _, list := range []phrases{rejectionPhrases, offerPhrases, reschedulePhrases, nextRoundPhrases,
		pickTimePhrases, receiptPhrases, alertPhrases, salesPhrases} {
		for lang, ps := range list {
			for _, p := range ps {
				if _, _, ok := find(normalise("x "+p+" y"), phrases{lang: {p}}); !ok || normaliseWords(p) == "" {
					t.Errorf("%s phrase %q does not match itself", lang, p)
				}
			}
		}
	}
}

func FuzzClassify(f *testing.F) {
	f.Add("Initech Talent", "no-reply@hire.lever.co", "Your application", "We have decided not to move forward.", false)
	f.Add("", "jane@acme.com", "Entretien", "Nous devons décaler notre entretien à une nouvelle date.", false)
	f.Add("Shop", "deals@shop.example", "Special offer", "40% off", true)
	f.Fuzz(func(t *testing.T, name, address, subject, text string, bulk bool) {
		v := Classify(Message{From: mail.Address{Name: name, Address: address}, Subject: subject, Text: text, Bulk: bulk})
		if v.Reason == "" {
			t.Error("no reason")
		}
		switch v.Kind {
		case "", Rejection, Offer, NextRound, Scheduling, Other:
		default:
			t.Errorf("unknown kind %q", v.Kind)
		}
		if v.Employer != (v.Kind != "") {
			t.Errorf("employer %v with kind %q", v.Employer, v.Kind)
		}
	})
}

// BenchmarkClassify measures a typical short message and one at the scan
// limit (64 KiB of text that matches nothing).
func BenchmarkClassify(b *testing.B) {
	short := Message{From: addr("Initech Talent", "no-reply@hire.lever.co"), Subject: "Your application to Initech",
		Text: "Thank you for interviewing. We have decided to move forward with other candidates."}
	long := Message{From: addr("", "hr@acme.com"), Subject: "Update", Text: strings.Repeat("lorem ipsum dolor sit amet ", 2500)}
	b.Run("short", func(b *testing.B) {
		for b.Loop() {
			Classify(short)
		}
	})
	b.Run("64KiB", func(b *testing.B) {
		for b.Loop() {
			Classify(long)
		}
	})
}
