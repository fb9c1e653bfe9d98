// Command credit pays 15.00 EUR out to a card and to a stored
// registration, and shows an expired card refused before anything is sent.
//
//	go run ./examples/credit
package main

import (
	"context"

	"github.com/c81406b6/backoffice"
	"github.com/c81406b6/backoffice/backofficetest"
	"github.com/c81406b6/backoffice/examples/internal/story"
)

func main() { story.Run("credit", run) }

func run(ctx context.Context, srv *backofficetest.Server, c *backoffice.Client, t *story.Table) error {
	card := &backoffice.Card{Number: "4200000000000000", Holder: "Jane Jones", ExpiryMonth: "05", ExpiryYear: "2034", CVV: "123"}
	cd, err := c.Credit(ctx, backoffice.CreditRequest{Amount: story.Amount("15.00"), Currency: "EUR", PaymentBrand: "VISA", Card: card})
	t.Row("CD  credit to a card", "", cd, err)
	reg := srv.AddRegistration()
	cd, err = c.Credit(ctx, backoffice.CreditRequest{Amount: story.Amount("15.00"), Currency: "EUR", RegistrationID: reg})
	t.Row("CD  credit to a registration", reg, cd, err)
	expired := *card
	expired.ExpiryYear = "2020"
	cd, err = c.Credit(ctx, backoffice.CreditRequest{Amount: story.Amount("15.00"), Currency: "EUR", PaymentBrand: "VISA", Card: &expired})
	t.Row("CD  expired card", "", cd, err)
	return nil
}
