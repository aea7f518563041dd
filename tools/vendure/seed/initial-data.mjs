// What the test shop is set up with before its products (Vendure's
// InitialData): one zone with one country and one tax rate, a shipping
// method and the engine's test payment handler, so a basket can be priced.
// The products are in products.csv (Vendure's import format).
export const initialData = (dummyPaymentHandlerCode) => ({
  defaultLanguage: 'en',
  defaultZone: 'Europe',
  countries: [{ name: 'Germany', code: 'DE', zone: 'Europe' }],
  taxRates: [{ name: 'Standard Tax', percentage: 19 }],
  shippingMethods: [{ name: 'Standard Shipping', price: 500 }],
  paymentMethods: [{
    name: 'Test payment',
    handler: { code: dummyPaymentHandlerCode, arguments: [{ name: 'automaticSettle', value: 'true' }] },
  }],
  collections: [],
});
