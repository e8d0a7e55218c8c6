// k6/html: parseHTML and res.html() with the Selection methods scripts use; every check passes under k6 v1.1.
import { parseHTML } from 'k6/html';
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
const page = `<html><head><title>Shop</title></head><body>
<ul id="items"><li class="a" data-x="1">One</li><li class="b">Two</li><li class="a">Three</li></ul>
<form><input name="user" value="bob"><textarea name="t">hi there</textarea>
<select name="s"><option value="1">x</option><option value="2" selected>y</option></select></form>
<a href="/next">next</a></body></html>`;
export default function () {
  const doc = parseHTML(page);
  const lis = doc.find('li');
  const texts = [];
  lis.each((i, el) => texts.push(`${i}:${el.textContent()}`));
  check(doc, {
    'title': (d) => d.find('title').text() === 'Shop',
    'size': () => lis.size() === 3,
    'each': () => texts.join(',') === '0:One,1:Two,2:Three',
    'attr': (d) => d.find('li.a').attr('data-x') === '1' && d.find('li.b').attr('nope', 'dflt') === 'dflt',
    'eq/first/last': () => lis.eq(1).text() === 'Two' && lis.first().text() === 'One' && lis.last().text() === 'Three',
    'filter/is': () => lis.filter('.a').size() === 2 && lis.eq(1).is('.b'),
    'map': () => lis.map((i, e) => e.text().toUpperCase()).join() === 'ONE,TWO,THREE',
    'children/parent': (d) => d.find('#items').children().size() === 3 && lis.first().parent().attr('id') === 'items',
    'next/prev': () => lis.first().next().text() === 'Two' && lis.last().prev().text() === 'Two',
    'val': (d) => d.find('input').val() === 'bob' && d.find('textarea').val() === 'hi there' && d.find('select').val() === '2',
    'html': (d) => d.find('#items').children().first().html() === 'One',
    'toArray': () => lis.toArray().map((s) => s.text()).join('') === 'OneTwoThree',
    'closest': () => lis.first().closest('ul').attr('id') === 'items',
  });
  const res = http.get(`${__ENV.BASE_URL}/html`);
  check(res, { 'res.html()': (r) => r.html('h1').text().length > 0 });
}
