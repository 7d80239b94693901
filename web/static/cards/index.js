// Cards: how a message whose type is not plain text shows its body. One file a type beside this one (product.js,
// image.js; later group_buy.js, ...), registered below by message.type. A card gets the message and its text
// paragraph (null when there is no text) and returns the body; a type without a card shows its text as before.
import { productCard } from "./product.js";
import { imageCard } from "./image.js";

const CARDS = new Map([
  ["product", productCard],
  ["image", imageCard],
]);

export function cardBody(m, text) {
  const card = CARDS.get(m.type);
  return card ? card(m, text) : text;
}
