// Evaluated in each hostile page: lists whatever in the article could run or hide content.
(() => {
  const article = document.querySelector('article');
  const bad = [];
  for (const el of article.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on') || a.name === 'style' || a.name === 'srcdoc') bad.push(el.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'xlink:href', 'data', 'background', 'formaction'].includes(a.name)
          && /^\s*(javascript|vbscript|data):/i.test(a.value)) bad.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  for (const sel of ['script', 'iframe', 'object', 'embed', 'form', 'base', 'meta', 'link', 'style', 'svg', 'math']) {
    // Terreau's own figures (printed QR codes, the map) are not contributions.
    for (const el of article.querySelectorAll(sel)) {
      if (!el.closest('.terreau-qr-bloc, .terreau-carte')) bad.push(sel);
    }
  }
  return bad;
})
