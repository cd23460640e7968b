// Live SMS length for a text field: characters, encoding (GSM-7 or UCS-2) and segments,
// counted as bot/segments.py counts them. The character sets, the wording and the digits
// come from the page (templates/_segments.html), so there is one source for each.
"use strict";
(() => {
  function pack(widths, single, multi) {
    const total = widths.reduce((a, b) => a + b, 0);
    if (total <= single) return 1;
    let segments = 1, used = 0;
    for (const width of widths) {
      if (used + width > multi) { segments += 1; used = 0; }
      used += width;
    }
    return segments;
  }

  function count(text, basic, extension) {
    const chars = Array.from(text);
    if (chars.every((c) => basic.has(c) || extension.has(c))) {
      const widths = chars.map((c) => (extension.has(c) ? 2 : 1));
      return { encoding: "GSM-7", characters: chars.length, segments: pack(widths, 160, 153) };
    }
    const widths = chars.map((c) => (c.codePointAt(0) > 0xffff ? 2 : 1));
    return { encoding: "UCS-2", characters: chars.length, segments: pack(widths, 70, 67) };
  }

  function attach(output) {
    const field = document.getElementById(output.dataset.segmentsFor);
    const basic = new Set(Array.from(output.dataset.basic));
    basic.add("\r");  // HTML attributes cannot carry a carriage return
    const extension = new Set(Array.from(output.dataset.extension));
    const digits = Array.from(output.dataset.digits);
    const local = (n) => String(n).replace(/[0-9]/g, (d) => digits[Number(d)]);
    const show = () => {
      const found = count(field.value, basic, extension);
      output.value = output.dataset.template
        .replace("{characters}", local(found.characters))
        .replace("{encoding}", found.encoding)
        .replace("{segments}", local(found.segments));
      output.dataset.segments = String(found.segments);
      output.dataset.encoding = found.encoding;
    };
    field.addEventListener("input", show);
    show();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("output[data-segments-for]").forEach(attach);
  });
})();
