// A product card: one of the shop's products shared in a conversation (the server fills in its title, price and
// picture from the catalogue, whatever the sender typed). Its title-and-price line is also what the composer's
// product picker lists.
import { el } from "../core.js";

export const productLine = (p) => [el("strong", {}, p.title), el("span", { class: "price" }, `¥${p.price}`)];

export function productCard(m, text) {
  return m.card?.kind === "product" ? el("div", { class: "product" }, productLine(m.card), text) : text;
}
