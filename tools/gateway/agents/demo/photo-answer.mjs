// What the demo agent says when a message carries photos (turn.attachments):
// it cannot look at them, so it thanks the shopper and says who will see
// them, in the page's language (context.locale: English, German or Arabic;
// English for any other). The rest of the answer is the one to the text.
const THANKS = {
  en: (n) => (n === 1
    ? 'Thanks for the photo! I can\'t see photos myself, but it is kept with this chat for the shop\'s team.'
    : `Thanks for the ${n} photos! I can't see photos myself, but they are kept with this chat for the shop's team.`),
  de: (n) => (n === 1
    ? 'Danke für das Foto! Ich selbst kann keine Fotos ansehen, aber es bleibt bei diesem Chat für das Team des Shops.'
    : `Danke für die ${n} Fotos! Ich selbst kann keine Fotos ansehen, aber sie bleiben bei diesem Chat für das Team des Shops.`),
  ar: (n) => (n === 1
    ? 'شكرًا على الصورة! لا أستطيع رؤية الصور بنفسي، لكنها محفوظة مع هذه المحادثة لفريق المتجر.'
    : `شكرًا على الصور (${n})! لا أستطيع رؤية الصور بنفسي، لكنها محفوظة مع هذه المحادثة لفريق المتجر.`),
};

export function photoThanks(count, locale) {
  const lang = String(locale ?? '').toLowerCase().split(/[-_]/)[0];
  return (THANKS[lang] ?? THANKS.en)(count);
}
