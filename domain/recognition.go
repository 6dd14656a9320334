package domain

import "time"

// TypePairRecognised is the type name of PairRecognised.
const TypePairRecognised = "pair.recognised.v1"

// MaxRecognitionLen bounds a recognition's message.
const MaxRecognitionLen = 500

// PairRecognised records that a customer department thanked its supplier:
// From is the customer, To the supplier, Author the name of the token that
// sent it.
type PairRecognised struct {
	From    string    `json:"from"`
	To      string    `json:"to"`
	Message string    `json:"message"`
	Author  string    `json:"author"`
	At      time.Time `json:"occurred_at"`
}

// RecognitionStream returns the stream of the recognitions a supplier got
// from a customer. Slugs hold no dots, so the name is unambiguous.
func RecognitionStream(supplier, customer string) string {
	return "recognition-" + supplier + "." + customer
}

// Recognitions is the state of one pair's recognition stream.
type Recognitions struct {
	Count  int
	LastAt time.Time
	// Last is the latest recognition; zero when Count is 0.
	Last PairRecognised
}

// Recognise thanks a supplier for its service to a customer.
type Recognise struct {
	Supplier string
	Customer string
	Message  string
	Author   string
	At       time.Time
}

// DecideRecognise returns the event that records a recognition. Both
// departments must exist and not be retired and must differ; the message
// is 1 to MaxRecognitionLen characters of text.
func DecideRecognise(r Recognitions, supplier, customer Department, cmd Recognise, now time.Time) ([]Event, error) {
	if err := checkPair(cmd.Supplier, cmd.Customer); err != nil {
		return nil, err
	}
	if err := checkDepartments(supplier, customer, cmd.Supplier, cmd.Customer); err != nil {
		return nil, err
	}
	if err := checkText("message", cmd.Message, 1, MaxRecognitionLen); err != nil {
		return nil, err
	}
	at, err := occurredAt(cmd.At, r.LastAt, now)
	if err != nil {
		return nil, err
	}
	return []Event{PairRecognised{From: cmd.Customer, To: cmd.Supplier, Message: cmd.Message, Author: cmd.Author, At: at}}, nil
}

// EvolveRecognitions folds one event into r.
func EvolveRecognitions(r Recognitions, e Event) Recognitions {
	if p, ok := e.(PairRecognised); ok {
		r.Count++
		r.LastAt, r.Last = p.At, p
	}
	return r
}
