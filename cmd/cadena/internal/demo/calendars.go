package demo

import (
	"fmt"
	"time"

	"github.com/cadena-project/cadena/domain"
)

// The demo's business-hours calendars. Each agreement names its supplier's
// calendar, so SLA figures and deadlines are in that office's working time.
const (
	calMadrid = "madrid"
	calMexico = "mexico-city"
	calOps    = "operations-24x7"
)

// calendars returns the demo's calendars with the holidays of the years
// around now: the year before, this one and the next.
func calendars(now time.Time) []domain.SetCalendar {
	years := []int{now.Year() - 1, now.Year(), now.Year() + 1}
	split := []string{"09:00-14:00", "15:00-18:00"}
	office := []string{"09:00-18:00"}
	allDay := []string{"00:00-24:00"}
	return []domain.SetCalendar{
		{ID: calMadrid, Spec: domain.CalendarSpec{
			Name: "Madrid office", TimeZone: "Europe/Madrid",
			Week:       domain.Week{Mon: split, Tue: split, Wed: split, Thu: split, Fri: []string{"08:00-15:00"}},
			Exceptions: madridExceptions(years),
		}},
		{ID: calMexico, Spec: domain.CalendarSpec{
			Name: "Mexico City office", TimeZone: "America/Mexico_City",
			Week:       domain.Week{Mon: office, Tue: office, Wed: office, Thu: office, Fri: office},
			Exceptions: mexicoExceptions(years),
		}},
		{ID: calOps, Spec: domain.CalendarSpec{
			Name: "Operations (24x7)", TimeZone: "Europe/Madrid",
			Week: domain.Week{Mon: allDay, Tue: allDay, Wed: allDay, Thu: allDay, Fri: allDay, Sat: allDay, Sun: allDay},
		}},
	}
}

// madridExceptions gives Spain's national public holidays, the Community
// and the city of Madrid's, and short days on Christmas and New Year's
// Eve, on their usual dates (regions move some of them from year to year).
// Summer hours (jornada intensiva) are left out: as some forty exceptions
// a year they would make every command that reads the calendar slower,
// and seeding with them.
func madridExceptions(years []int) []domain.CalendarException {
	var out []domain.CalendarException
	for _, y := range years {
		easter := easterSunday(y)
		holidays := map[time.Time]string{
			day(y, 1, 1):             "Año Nuevo",
			day(y, 1, 6):             "Epifanía del Señor",
			easter.AddDate(0, 0, -3): "Jueves Santo",
			easter.AddDate(0, 0, -2): "Viernes Santo",
			day(y, 5, 1):             "Fiesta del Trabajo",
			day(y, 5, 2):             "Fiesta de la Comunidad de Madrid",
			day(y, 5, 15):            "San Isidro",
			day(y, 8, 15):            "Asunción de la Virgen",
			day(y, 10, 12):           "Fiesta Nacional de España",
			day(y, 11, 1):            "Todos los Santos",
			day(y, 11, 9):            "Nuestra Señora de la Almudena",
			day(y, 12, 6):            "Día de la Constitución",
			day(y, 12, 8):            "Inmaculada Concepción",
			day(y, 12, 25):           "Navidad",
		}
		short := map[time.Time]string{day(y, 12, 24): "Nochebuena", day(y, 12, 31): "Nochevieja"}
		for d := day(y, 1, 1); d.Year() == y; d = d.AddDate(0, 0, 1) {
			switch name, holiday := holidays[d]; {
			case holiday:
				out = append(out, domain.CalendarException{Date: d.Format(time.DateOnly), Name: name})
			case short[d] != "" && weekday(d):
				out = append(out, domain.CalendarException{Date: d.Format(time.DateOnly), Name: short[d], Hours: []string{"09:00-13:00"}})
			}
		}
	}
	return out
}

// mexicoExceptions gives Mexico's statutory holidays (Ley Federal del
// Trabajo, article 74), with the Monday rules of 2006.
func mexicoExceptions(years []int) []domain.CalendarException {
	var out []domain.CalendarException
	for _, y := range years {
		for _, h := range []struct {
			d    time.Time
			name string
		}{
			{day(y, 1, 1), "Año Nuevo"},
			{nthMonday(y, time.February, 1), "Día de la Constitución"},
			{nthMonday(y, time.March, 3), "Natalicio de Benito Juárez"},
			{day(y, 5, 1), "Día del Trabajo"},
			{day(y, 9, 16), "Día de la Independencia"},
			{nthMonday(y, time.November, 3), "Día de la Revolución"},
			{day(y, 12, 25), "Navidad"},
		} {
			out = append(out, domain.CalendarException{Date: h.d.Format(time.DateOnly), Name: h.name})
		}
	}
	return out
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func weekday(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }

// nthMonday returns the n-th Monday of a month.
func nthMonday(y int, m time.Month, n int) time.Time {
	d := day(y, m, 1)
	for d.Weekday() != time.Monday {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 7*(n-1))
}

// easterSunday returns the date of Easter Sunday in the Gregorian calendar
// (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
func easterSunday(y int) time.Time {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	return day(y, time.Month(month), (h+l-7*m+114)%31+1)
}

// compiled compiles the demo's calendars, to plan hand-offs in working time.
func compiled(cals []domain.SetCalendar) (map[string]domain.DeadlineCalendar, error) {
	out := map[string]domain.DeadlineCalendar{"": domain.WallClock{}}
	for _, c := range cals {
		wc, err := domain.CompileCalendar(c.Spec)
		if err != nil {
			return nil, fmt.Errorf("demo calendar %s: %w", c.ID, err)
		}
		out[c.ID] = wc
	}
	return out, nil
}
