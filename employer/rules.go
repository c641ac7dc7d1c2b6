package employer

// The rules, in the words employers use. Each list is a set of phrases
// matched on whole words after normalisation (see normalise): lower case,
// accents folded (é → e, ü → u, ß → ss), every run of punctuation and space
// read as one space. "won't be moving forward" is therefore written as it
// reads and matches "Won’t be moving forward." as well.
//
// To extend a rule, add a phrase to the right language of the right list
// and a case to the table in employer_test.go. Keep phrases specific to a
// candidacy: "unfortunately" alone is no rejection (a reschedule says it
// too), "offer" alone no offer (a shop says it too).
//
// The lists are read-only after initialization.

// phrases is one rule's phrases per language (ISO 639-1 code).
type phrases map[string][]string

// rejectionPhrases say the candidacy ends. They are checked first: a
// rejection often thanks the candidate for applying and mentions an offer
// it cannot make.
var rejectionPhrases = phrases{
	"en": {
		"decided not to move forward", "decided not to proceed", "will not be moving forward",
		"won't be moving forward", "not be moving forward with your", "not moving forward with your",
		"move forward with other candidates", "moving forward with other candidates",
		"proceed with other candidates", "pursue other candidates", "decided to pursue other",
		"not been selected", "were not selected", "was not selected", "have not been successful",
		"application was not successful", "application has been unsuccessful", "unsuccessful on this occasion",
		"not to progress your application", "unable to offer you", "not able to offer you",
		"cannot offer you the", "can't offer you the", "position has been filled", "role has been filled",
		"candidates whose experience more closely", "candidates who more closely match",
		"not the right fit", "decided to go with another candidate", "offered the position to another",
	},
	"de": {
		"für einen anderen kandidaten entschieden", "für eine andere kandidatin entschieden",
		"für einen anderen bewerber entschieden", "für eine andere bewerberin entschieden",
		"anderen kandidaten den vorzug", "anderen bewerbern den vorzug", "nicht weiter berücksichtigen",
		"nicht berücksichtigen können", "keine positive rückmeldung", "nicht in die engere auswahl",
		"stelle wurde bereits besetzt", "stelle ist bereits besetzt", "position wurde bereits besetzt",
		"gegen ihre bewerbung entschieden", "gegen dich entschieden", "gegen sie entschieden",
		"bewerbung nicht weiter", "absage auf ihre bewerbung", "keine zusage geben",
	},
	"fr": {
		"pas donner une suite favorable", "pas donner suite à votre candidature", "ne pas donner suite",
		"ne pouvons donner suite", "ne sera pas retenue", "n'a pas été retenue", "n'avez pas été retenu",
		"pas été retenue", "pas retenu votre candidature", "retenu un autre candidat", "retenu une autre candidature",
		"poursuivre avec d'autres candidats", "d'autres candidats dont le profil", "poste a été pourvu",
		"poste est déjà pourvu", "réponse négative à votre candidature",
	},
	"es": {
		"no has sido seleccionado", "no has sido seleccionada", "no ha sido seleccionado",
		"no ha sido seleccionada", "continuar con otros candidatos", "avanzar con otros candidatos",
		"seguir con otros candidatos", "otros candidatos cuyo perfil", "no continuar con tu candidatura",
		"no continuar con su candidatura", "no seguir adelante con tu candidatura", "no avanzar con tu candidatura",
		"puesto ya ha sido cubierto", "vacante ha sido cubierta", "no podemos ofrecerte", "no podemos ofrecerle",
		"decidido no avanzar", "decidido no continuar",
	},
}

// offerPhrases say the employer offers the job.
var offerPhrases = phrases{
	"en": {
		"pleased to offer you", "happy to offer you", "delighted to offer you", "excited to offer you",
		"like to offer you the", "extend an offer", "extend you an offer", "extending an offer",
		"offer of employment", "job offer", "offer letter", "formal offer", "written offer",
	},
	"de": {
		"ihnen die stelle anbieten", "ihnen die position anbieten", "dir die stelle anbieten",
		"ihnen ein angebot", "ihnen ein vertragsangebot", "vertragsangebot", "uns für sie entschieden",
		"uns für dich entschieden", "zusage für die stelle", "ihnen eine zusage",
	},
	"fr": {
		"proposition d'embauche", "promesse d'embauche", "vous proposer le poste", "te proposer le poste",
		"vous faire une offre", "lettre d'offre", "offre d'embauche", "proposition de contrat",
	},
	"es": {
		"ofrecerte el puesto", "ofrecerle el puesto", "hacerte una oferta", "hacerle una oferta",
		"carta oferta", "carta de oferta", "propuesta de contratación", "oferta de contratación",
	},
}

// reschedulePhrases say an interview moves. They win over a next round: "we
// need to reschedule your second interview" only moves it.
var reschedulePhrases = phrases{
	"en": {
		"reschedule", "rescheduling", "rescheduled", "new time", "move our interview", "move the interview",
		"move your interview", "change the time", "push back", "postpone", "postponed",
		"no longer available at", "has a conflict", "scheduling conflict", "interview has been moved",
		"new date",
	},
	"de": {
		"verschieben", "verschoben", "neuen termin", "neuer termin", "terminänderung", "termin ändern",
		"anderen termin",
	},
	"fr": {
		"reporter l'entretien", "reporter notre entretien", "reporté", "décaler", "décalé", "nouveau créneau",
		"nouvel horaire", "changer l'horaire", "modifier l'heure", "nouvelle date",
	},
	"es": {
		"reprogramar", "reprogramada", "reprogramado", "cambiar la hora", "cambiar la fecha", "nuevo horario",
		"nueva fecha", "posponer", "aplazar", "mover la entrevista",
	},
}

// nextRoundPhrases say the candidacy goes on to another interview.
var nextRoundPhrases = phrases{
	"en": {
		"next round", "next stage", "move you forward", "moving you forward", "advance you to",
		"final round", "onsite interview", "on-site interview", "second interview", "next interview",
		"invite you to the next", "progress to the next", "hiring manager interview", "panel interview",
	},
	"de": {
		"nächste runde", "nächsten runde", "zweites gespräch", "zweiten gespräch", "weiteres gespräch",
		"weiteren gespräch", "nächste phase", "nächsten phase", "finale runde", "zweites interview",
		"nächsten schritt im bewerbungsprozess",
	},
	"fr": {
		"prochaine étape", "prochain tour", "second entretien", "deuxième entretien", "étape suivante",
		"tour suivant", "entretien final",
	},
	"es": {
		"siguiente fase", "próxima fase", "siguiente ronda", "próxima ronda", "segunda entrevista",
		"siguiente etapa", "próxima etapa", "entrevista final",
	},
}

// pickTimePhrases ask the candidate to choose a time. Without a next
// round's phrase, such a message is about scheduling.
var pickTimePhrases = phrases{
	"en": {
		"pick a time", "select a time", "choose a time", "book a time", "your availability",
		"schedule your interview", "scheduling link", "time slot", "when you are available",
	},
	"de": {
		"terminvorschläge", "wählen sie einen termin", "ihre verfügbarkeit", "zeitfenster",
		"termin auswählen", "termin vereinbaren", "termin buchen",
	},
	"fr": {
		"choisir un créneau", "vos disponibilités", "réserver un créneau", "planifier l'entretien",
		"fixer un rendez-vous",
	},
	"es": {
		"elige un horario", "elegir un horario", "tu disponibilidad", "su disponibilidad",
		"agendar", "programar la entrevista", "reservar un hueco",
	},
}

// receiptPhrases acknowledge an application: about the candidacy, but
// nothing to act on.
var receiptPhrases = phrases{
	"en": {
		"received your application", "thank you for applying", "thanks for applying",
		"application has been received", "application was received", "application received",
		"confirm receipt of your application", "we will review your application",
	},
	"de": {
		"eingang ihrer bewerbung", "bewerbung erhalten", "bewerbung ist bei uns eingegangen",
		"bewerbung ist eingegangen",
	},
	"fr": {
		"bien reçu votre candidature", "candidature a bien été reçue", "accusé de réception",
		"merci pour votre candidature",
	},
	"es": {
		"hemos recibido tu candidatura", "hemos recibido su candidatura", "hemos recibido tu solicitud",
		"hemos recibido su solicitud", "gracias por postularte", "gracias por tu candidatura",
	},
}

// alertPhrases mark job alerts and newsletters: never an employer's message
// about the owner's candidacy, however often they say "interview".
var alertPhrases = phrases{
	"en": {
		"job alert", "jobs you may be interested in", "recommended jobs", "new jobs for you", "jobs matching",
		"jobs that match", "job recommendations", "newsletter", "webinar",
	},
	"de": {"jobempfehlungen", "neue jobs", "passende jobs", "job alarm", "jobalarm", "stellenangebote für sie"},
	"fr": {"alerte emploi", "alertes emploi", "nouvelles offres", "offres recommandées", "offres d'emploi pour vous"},
	"es": {"alerta de empleo", "alertas de empleo", "ofertas de empleo para ti", "nuevas ofertas", "empleos recomendados", "boletín"},
}

// salesPhrases mark advertising. A sale's "special offer" is no job offer.
var salesPhrases = phrases{
	"en": {
		"special offer", "% off", "limited time", "shop now", "discount", "sale ends", "free shipping",
		"promo code", "coupon", "black friday", "cyber monday", "offer ends", "exclusive offer",
	},
	"de": {"sonderangebot", "rabatt", "gutschein", "nur heute", "jetzt kaufen", "angebot gilt", "versandkostenfrei"},
	"fr": {"offre spéciale", "promotion", "soldes", "réduction", "code promo", "offre exclusive", "livraison gratuite"},
	"es": {"oferta especial", "descuento", "rebajas", "código promocional", "compra ahora", "oferta exclusiva", "envío gratis"},
}

// candidacyWords show that a message is about a candidacy at all; each
// matches the start of a word ("recruit" matches "recruiting").
var candidacyWords = phrases{
	"en": {"application", "applied", "applying", "candidacy", "candidate", "interview", "position", "role", "offer", "hiring", "recruit", "opportunity"},
	"de": {"bewerbung", "bewerber", "kandidat", "stelle", "position", "vorstellungsgespräch", "gespräch", "interview", "angebot"},
	"fr": {"candidature", "candidat", "entretien", "poste", "recrutement", "embauche"},
	"es": {"candidatura", "candidato", "candidata", "solicitud", "entrevista", "puesto", "vacante", "proceso de selección", "oferta"},
}

// services are the applicant-tracking and scheduling services that write on
// an employer's behalf, by domain (a subdomain counts: hire.lever.co).
var services = map[string]string{
	"greenhouse.io": "Greenhouse", "greenhouse-mail.io": "Greenhouse", "lever.co": "Lever",
	"myworkday.com": "Workday", "myworkdayjobs.com": "Workday", "workday.com": "Workday",
	"ashbyhq.com": "Ashby", "smartrecruiters.com": "SmartRecruiters", "icims.com": "iCIMS",
	"goodtime.io": "GoodTime", "calendly.com": "Calendly", "jobvite.com": "Jobvite",
	"workable.com": "Workable", "workablemail.com": "Workable", "teamtailor.com": "Teamtailor",
	"teamtailor-mail.com": "Teamtailor", "recruitee.com": "Recruitee", "bamboohr.com": "BambooHR",
	"personio.de": "Personio", "personio.com": "Personio", "successfactors.com": "SuccessFactors",
	"successfactors.eu": "SuccessFactors", "taleo.net": "Taleo", "breezy.hr": "Breezy",
	"jazzhr.com": "JazzHR", "applytojob.com": "JazzHR", "modernloop.io": "ModernLoop",
	"gem.com": "Gem", "paradox.ai": "Paradox", "join.com": "JOIN",
}

// teamWords are the words a service's display name adds to the company's
// name ("Initech Talent", "Acme Recruiting Team", "Globex Karriere"); they
// are taken off the end, and a name left empty names no company.
var teamWords = map[string]bool{
	"talent": true, "acquisition": true, "recruiting": true, "recruitment": true, "recruiter": true,
	"recruiters": true, "careers": true, "career": true, "jobs": true, "hiring": true, "team": true,
	"hr": true, "people": true, "ops": true, "operations": true, "no-reply": true, "noreply": true,
	"notifications": true, "karriere": true, "recrutement": true, "rh": true, "rrhh": true,
	"empleo": true, "personal": true, "personalabteilung": true, "bewerbermanagement": true,
	"humaines": true, "ressources": true, "humanos": true, "recursos": true, "de": true, "at": true,
	"@": true, "-": true, "|": true, "the": false,
}

// genericLocals are the local parts of a service address that name no
// company (no-reply@hire.lever.co); any other local part at a service is
// taken as the company's (initech@myworkday.com).
var genericLocals = map[string]bool{
	"no-reply": true, "noreply": true, "do-not-reply": true, "donotreply": true, "notifications": true,
	"notification": true, "jobs": true, "careers": true, "recruiting": true, "talent": true, "hello": true,
	"info": true, "support": true, "mail": true, "team": true, "scheduling": true, "notify": true,
	"messages": true, "reply": true, "candidates": true, "applications": true,
}
