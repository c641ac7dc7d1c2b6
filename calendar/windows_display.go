package calendar

import (
	"strings"
)

// displayOffset reads the offset that opens a Windows display name,
// "(UTC-05:00) Eastern Time (US & Canada)" or "(GMT+05:30) Chennai...",
// as seconds east of UTC. "(UTC)" alone is offset 0.
func displayOffset(id string) (int, bool) {
	if len(id) < 5 || id[0] != '(' {
		return 0, false
	}
	end := strings.IndexByte(id, ')')
	if end < 0 {
		return 0, false
	}
	inner := strings.ToUpper(strings.TrimSpace(id[1:end]))
	if !strings.HasPrefix(inner, "UTC") && !strings.HasPrefix(inner, "GMT") {
		return 0, false
	}
	inner = strings.TrimSpace(inner[3:])
	if inner == "" {
		return 0, true
	}
	if len(inner) != 6 || inner[3] != ':' {
		return 0, false
	}
	return parseOffsetValue(inner[:3] + inner[4:])
}

func parseOffsetValue(v string) (int, bool) {
	off, err := parseOffset(v)
	return off, err == nil
}

// windowsDisplayZone maps the display name Windows shows for a zone, which
// some Outlook and Exchange versions write as the TZID instead of the zone's
// ID ("(UTC-05:00) Eastern Time (US & Canada)"), to an IANA zone. The
// leading offset, case and spacing do not matter. Older Windows versions
// wrote GMT for UTC and a few different place lists; both are here.
func windowsDisplayZone(id string) (string, bool) {
	s := strings.TrimSpace(id)
	if strings.HasPrefix(s, "(") {
		if end := strings.IndexByte(s, ')'); end > 0 {
			if _, ok := displayOffset(s); ok {
				s = s[end+1:]
			}
		}
	}
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if s == "" {
		return "", false
	}
	zone, ok := displayNames[s]
	return zone, ok
}

var displayNames = map[string]string{
	"international date line west":         "Etc/GMT+12",
	"coordinated universal time-11":        "Etc/GMT+11",
	"midway island, samoa":                 "Pacific/Pago_Pago",
	"hawaii":                               "Pacific/Honolulu",
	"alaska":                               "America/Anchorage",
	"pacific time (us & canada)":           "America/Los_Angeles",
	"pacific time (us & canada); tijuana":  "America/Los_Angeles",
	"tijuana, baja california":             "America/Tijuana",
	"baja california":                      "America/Tijuana",
	"arizona":                              "America/Phoenix",
	"mountain time (us & canada)":          "America/Denver",
	"chihuahua, la paz, mazatlan":          "America/Mazatlan",
	"central america":                      "America/Guatemala",
	"central time (us & canada)":           "America/Chicago",
	"guadalajara, mexico city, monterrey":  "America/Mexico_City",
	"saskatchewan":                         "America/Regina",
	"bogota, lima, quito":                  "America/Bogota",
	"bogota, lima, quito, rio branco":      "America/Bogota",
	"eastern time (us & canada)":           "America/New_York",
	"indiana (east)":                       "America/Indiana/Indianapolis",
	"chetumal":                             "America/Cancun",
	"havana":                               "America/Havana",
	"caracas":                              "America/Caracas",
	"atlantic time (canada)":               "America/Halifax",
	"asuncion":                             "America/Asuncion",
	"cuiaba":                               "America/Cuiaba",
	"georgetown, la paz, manaus, san juan": "America/La_Paz",
	"santiago":                             "America/Santiago",
	"newfoundland":                         "America/St_Johns",
	"brasilia":                             "America/Sao_Paulo",
	"buenos aires":                         "America/Argentina/Buenos_Aires",
	"city of buenos aires":                 "America/Argentina/Buenos_Aires",
	"buenos aires, georgetown":             "America/Argentina/Buenos_Aires",
	"cayenne, fortaleza":                   "America/Cayenne",
	"greenland":                            "America/Nuuk",
	"montevideo":                           "America/Montevideo",
	"salvador":                             "America/Bahia",
	"mid-atlantic":                         "Etc/GMT+2",
	"coordinated universal time-02":        "Etc/GMT+2",
	"azores":                               "Atlantic/Azores",
	"cape verde is.":                       "Atlantic/Cape_Verde",
	"coordinated universal time":           "UTC",
	"dublin, edinburgh, lisbon, london":    "Europe/London",
	"greenwich mean time : dublin, edinburgh, lisbon, london": "Europe/London",
	"monrovia, reykjavik":                               "Atlantic/Reykjavik",
	"casablanca":                                        "Africa/Casablanca",
	"casablanca, monrovia, reykjavik":                   "Africa/Casablanca",
	"amsterdam, berlin, bern, rome, stockholm, vienna":  "Europe/Berlin",
	"belgrade, bratislava, budapest, ljubljana, prague": "Europe/Budapest",
	"brussels, copenhagen, madrid, paris":               "Europe/Paris",
	"sarajevo, skopje, warsaw, zagreb":                  "Europe/Warsaw",
	"west central africa":                               "Africa/Lagos",
	"windhoek":                                          "Africa/Windhoek",
	"amman":                                             "Asia/Amman",
	"athens, bucharest":                                 "Europe/Bucharest",
	"athens, bucharest, istanbul":                       "Europe/Bucharest",
	"beirut":                                            "Asia/Beirut",
	"cairo":                                             "Africa/Cairo",
	"damascus":                                          "Asia/Damascus",
	"harare, pretoria":                                  "Africa/Johannesburg",
	"helsinki, kyiv, riga, sofia, tallinn, vilnius": "Europe/Helsinki",
	"helsinki, kiev, riga, sofia, tallinn, vilnius": "Europe/Helsinki",
	"jerusalem":                             "Asia/Jerusalem",
	"kaliningrad":                           "Europe/Kaliningrad",
	"tripoli":                               "Africa/Tripoli",
	"istanbul":                              "Europe/Istanbul",
	"baghdad":                               "Asia/Baghdad",
	"kuwait, riyadh":                        "Asia/Riyadh",
	"minsk":                                 "Europe/Minsk",
	"moscow, st. petersburg":                "Europe/Moscow",
	"moscow, st. petersburg, volgograd":     "Europe/Moscow",
	"nairobi":                               "Africa/Nairobi",
	"tehran":                                "Asia/Tehran",
	"abu dhabi, muscat":                     "Asia/Dubai",
	"baku":                                  "Asia/Baku",
	"port louis":                            "Indian/Mauritius",
	"tbilisi":                               "Asia/Tbilisi",
	"yerevan":                               "Asia/Yerevan",
	"kabul":                                 "Asia/Kabul",
	"ashgabat, tashkent":                    "Asia/Tashkent",
	"tashkent":                              "Asia/Tashkent",
	"ekaterinburg":                          "Asia/Yekaterinburg",
	"islamabad, karachi":                    "Asia/Karachi",
	"chennai, kolkata, mumbai, new delhi":   "Asia/Kolkata",
	"sri jayawardenepura":                   "Asia/Colombo",
	"kathmandu":                             "Asia/Kathmandu",
	"astana":                                "Asia/Almaty",
	"dhaka":                                 "Asia/Dhaka",
	"yangon (rangoon)":                      "Asia/Yangon",
	"bangkok, hanoi, jakarta":               "Asia/Bangkok",
	"novosibirsk":                           "Asia/Novosibirsk",
	"krasnoyarsk":                           "Asia/Krasnoyarsk",
	"beijing, chongqing, hong kong, urumqi": "Asia/Shanghai",
	"irkutsk":                               "Asia/Irkutsk",
	"kuala lumpur, singapore":               "Asia/Singapore",
	"perth":                                 "Australia/Perth",
	"taipei":                                "Asia/Taipei",
	"ulaanbaatar":                           "Asia/Ulaanbaatar",
	"osaka, sapporo, tokyo":                 "Asia/Tokyo",
	"seoul":                                 "Asia/Seoul",
	"yakutsk":                               "Asia/Yakutsk",
	"adelaide":                              "Australia/Adelaide",
	"darwin":                                "Australia/Darwin",
	"brisbane":                              "Australia/Brisbane",
	"canberra, melbourne, sydney":           "Australia/Sydney",
	"guam, port moresby":                    "Pacific/Port_Moresby",
	"hobart":                                "Australia/Hobart",
	"vladivostok":                           "Asia/Vladivostok",
	"magadan":                               "Asia/Magadan",
	"solomon is., new caledonia":            "Pacific/Guadalcanal",
	"auckland, wellington":                  "Pacific/Auckland",
	"fiji":                                  "Pacific/Fiji",
	"coordinated universal time+12":         "Etc/GMT-12",
	"nuku'alofa":                            "Pacific/Tongatapu",
	"samoa":                                 "Pacific/Apia",
}
