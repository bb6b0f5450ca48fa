import { sev, w } from './words.js';
import type { Localized } from '../../engine/types.js';

// The page's only style sheet and script, inline (the file must work from file:// with the network
// off, under a CSP that allows nothing to be fetched). Constants of this code base: no input goes in.
// The script reads everything it needs from the document, so no data is ever written into it.

/**
 * The words of a rule's result in the facts table come from the style sheet (a cell holds only
 * its symbol: a 50-node table has a thousand of them); both languages, chosen by <html lang>.
 */
function statusWords(): string {
  const words: Record<string, Localized> = { pass: w('pass'), skip: w('skip'), none: w('notRun'), critical: sev('critical'), error: sev('error'), warning: sev('warning'), info: sev('info') };
  const css = (t: string) => {
    if (/["\\\n<]/.test(t)) throw new Error(`a word for CSS content must not hold quotes or backslashes: ${t}`);
    return `" ${t}"`;
  };
  return Object.entries(words).map(([k, t]) => `.s-${k}::after{content:${css(t.en)}}html[lang="zh"] .s-${k}::after{content:${css(t.zh)}}`).join('\n');
}

export const CSS = `
:root{color-scheme:light;--fg:#1b1b1b;--muted:#4a4a4a;--line:#c9c9c9;--bg2:#f4f5f7;--link:#0b4f9c;
--critical:#8f0000;--error:#b3261e;--warning:#7a4d00;--info:#0b4f9c;--ok:#1e6b2e}
*{box-sizing:border-box}
html{font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:#fff}
body{margin:0 auto;max-width:78rem;padding:0 1.2rem 3rem}
html[lang="en"] .i[lang="zh"],html[lang="zh"] .i[lang="en"]{display:none!important}
.js-only{display:none!important}
html.js .js-only{display:inline-flex!important}
a{color:var(--link)}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.3rem}
header.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:baseline;justify-content:space-between;border-bottom:2px solid var(--fg);padding:.8rem 0 .4rem;margin-bottom:1rem}
header.top h1{margin:0;font-size:1.5rem}
.meta{color:var(--muted);font-size:.85rem}
.switch{gap:.3rem;align-items:center}
button{font:inherit;font-size:.85rem;border:1px solid #5a5a5a;background:#fff;color:var(--fg);border-radius:4px;padding:.15rem .55rem;cursor:pointer}
button[aria-pressed="true"]{background:var(--fg);color:#fff}
button:focus-visible,a:focus-visible,.cell:focus-visible{outline:3px solid #e8a200;outline-offset:1px}
h2{font-size:1.25rem;margin:1.8rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h3{font-size:1.1rem;margin:1.3rem 0 .5rem}
h4{font-size:1rem;margin:0 0 .4rem}
h5{font-size:.9rem;margin:.8rem 0 .3rem}
.summary{background:var(--bg2);border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin-top:1rem}
.summary h2{margin-top:0}
.verdict{font-size:1.15rem;font-weight:600;margin:0 0 .5rem}
.verdict.v-findings{color:var(--error)}.verdict.v-healthy{color:var(--ok)}.verdict.v-inconclusive,.verdict.v-unreadable{color:var(--warning)}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;list-style:none;padding:0;margin:.3rem 0 .6rem}
.counts li{border:1px solid var(--line);border-radius:4px;background:#fff;padding:.15rem .6rem}
.counts .n{font-weight:700;margin-left:.35rem}
.sev{display:inline-block;white-space:nowrap;font-size:.75rem;font-weight:700;letter-spacing:.02em;border-radius:3px;padding:0 .35rem;color:#fff;vertical-align:1px}
.sev-critical{background:var(--critical)}.sev-error{background:var(--error)}.sev-warning{background:#ffd54f;color:#1b1b1b}.sev-info{background:var(--info)}
.top-finding{margin:.2rem 0}
table{border-collapse:collapse;margin:.4rem 0 1rem;font-size:.9rem}
caption{text-align:left;color:var(--muted);font-size:.85rem;padding:.2rem 0}
th,td{border:1px solid var(--line);padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--bg2)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.differs>*{background:#fff4d6}
tr.differs th::after{content:" ≠";color:var(--warning);font-weight:700}
.scroll{overflow-x:auto;max-width:100%}
.finding{border:1px solid var(--line);border-left:6px solid var(--line);border-radius:4px;padding:.7rem .9rem;margin:.7rem 0;break-inside:avoid}
.finding.f-critical{border-left-color:var(--critical)}.finding.f-error{border-left-color:var(--error)}.finding.f-warning{border-left-color:#c98a00}.finding.f-info{border-left-color:var(--info)}
.finding p{margin:.3rem 0}
.rule-id{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.85rem;color:var(--muted)}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:.84rem}
ul.evidence{list-style:none;padding:0;margin:0}
ul.evidence li{padding:.1rem 0;overflow-wrap:anywhere}
ul.evidence .src{color:var(--muted)}
.step{margin:.5rem 0 .7rem}
.cmds{display:flex;gap:.5rem;align-items:flex-start}
pre{background:var(--bg2);border:1px solid var(--line);border-radius:4px;padding:.4rem .6rem;margin:.2rem 0;white-space:pre-wrap;overflow-wrap:anywhere;flex:1}
pre .cmd::before{content:"$ ";color:var(--muted);user-select:none}
.copied{font-size:.8rem;color:var(--ok);min-width:6rem}
.refs{font-size:.85rem;color:var(--muted)}
.note{background:#fff4d6;border:1px solid #e0c36a;border-radius:4px;padding:.4rem .7rem;margin:.5rem 0}
.error-box{background:#fdecea;border:1px solid #e3a29c;border-radius:4px;padding:.4rem .7rem}
section.node{margin-top:2rem}
details>summary{cursor:pointer;font-weight:600;margin:.6rem 0}
figure{margin:.6rem 0 1rem}
figcaption{color:var(--muted);font-size:.85rem}
svg.chart{max-width:100%;height:auto;display:block}
svg.chart text{font-size:11px;fill:#1b1b1b}
svg.chart .axis line{stroke:#5a5a5a}
svg.chart .axis .grid{stroke:#e2e2e2}
svg.chart .mk{font-size:12px;fill:#fff;font-weight:700;pointer-events:none}
svg.chart .cell{cursor:pointer}
svg.chart .cell:focus rect,svg.chart .cell.sel rect{stroke:#000;stroke-width:2}
svg.chart .lane-line{stroke:#bdbdbd}
svg.chart .gap{font-size:10px;fill:#4a4a4a}
svg.mesh-map .lbl text{font-size:inherit}
svg.mesh-map .grp{stroke:#6a6a6a;stroke-width:1;stroke-dasharray:3 2}
svg.mesh-map .fmark rect{fill:none;stroke:#000;stroke-width:2;stroke-dasharray:5 2}
svg.mesh-map .cut{stroke:#000;stroke-width:3}
svg.mesh-map .sel{fill:none;stroke:#e8a200;stroke-width:3;pointer-events:none}
svg.mesh-map{cursor:crosshair}
svg.mesh-map:focus-visible{outline:3px solid #e8a200;outline-offset:2px}
ul.legend,ul.drawn{list-style:none;padding:0;margin:.3rem 0;font-size:.85rem;display:flex;flex-wrap:wrap;gap:.2rem 1.2rem}
ul.drawn li::before{content:"▭ ";font-weight:700}
.pair-dl{margin:.3rem 0}.pair-dl>div{display:flex;gap:.6rem}.pair-dl dt{color:var(--muted);min-width:16rem}.pair-dl dd{margin:0;font-weight:600}
ul.counters{font-size:.8rem;padding-left:1.2rem}
table.node-diff tr.rel-high>*{background:#fdecea}table.node-diff tr.rel-medium>*{background:#fff4d6}
table.node-diff td.va code,table.node-diff td.vb code{overflow-wrap:anywhere}
table.node-diff .absent{color:var(--muted);font-style:italic}
details.ev>summary{font-weight:400;font-size:.85rem;margin:.2rem 0}
.mesh-figs{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:flex-start}
.mesh-fig{flex:1 1 20rem;max-width:100%}
.cell-detail .hint{color:var(--muted);margin:.2rem 0}
.cell-detail{border:1px dashed var(--line);border-radius:4px;padding:.4rem .7rem;min-height:2.2rem;font-size:.9rem}
td.st{white-space:nowrap}
.s-critical,.s-error{color:var(--critical);font-weight:700}.s-warning{color:var(--warning);font-weight:700}
${statusWords()}
@media print{
html.js .js-only,.js-only,button,.switch,.skip,.cell-detail{display:none!important}
.mesh-figs{display:block}
details::details-content{content-visibility:visible;display:contents}
details>summary{list-style:none}
body{max-width:none;padding:0}
a{color:inherit;text-decoration:none}
.summary,pre,thead th,tr.differs>*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
h2,h3,h4{break-after:avoid}
}
`;

// Language switch, copy buttons (made at load from the page's templates; clipboard, else the text
// selected for Ctrl+C), the heatmaps drawn
// from their data at load (svg/heatmap.ts), heatmap cell details, and every <details> opened for printing.
export const SCRIPT = `
(function(){
var d=document,h=d.documentElement;h.classList.add('js');
var SAID=${JSON.stringify({ en: { copied: w('copied').en, selected: w('selectedForCopy').en }, zh: { copied: w('copied').zh, selected: w('selectedForCopy').zh } })};
function all(s,root){return Array.prototype.slice.call((root||d).querySelectorAll(s));}
function setLang(l){
 if(l!=='en'&&l!=='zh')return;
 var cur=h.lang;if(cur===l)return;
 all('[data-en],[data-zh]').forEach(function(e){
  if(!e.hasAttribute('data-'+cur))e.setAttribute('data-'+cur,e.textContent);
  if(e.hasAttribute('data-'+l))e.textContent=e.getAttribute('data-'+l);
 });
 h.lang=l;
 all('.copied').forEach(function(e){e.textContent='';});
 all('button[data-lang]').forEach(function(b){b.setAttribute('aria-pressed',String(b.getAttribute('data-lang')===l));});
}
function say(btn,key){
 var s=btn.parentNode.querySelector('.copied');if(s)s.textContent=SAID[h.lang==='zh'?'zh':'en'][key];
}
function copy(btn){
 var el=d.getElementById(btn.getAttribute('data-copy'));if(!el)return;
 var text=el.textContent;
 function fallback(){
  var r=d.createRange();r.selectNodeContents(el);var s=window.getSelection();s.removeAllRanges();s.addRange(r);
  var ok=false;try{ok=d.execCommand('copy');}catch(e){}
  say(btn,ok?'copied':'selected');
 }
 if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(text).then(function(){say(btn,'copied');},fallback);}
 else fallback();
}
function cell(c){
 var fig=c.closest('figure');if(!fig)return;
 var out=fig.querySelector('.cell-detail');if(!out)return;
 all('.cell.sel',fig).forEach(function(e){e.classList.remove('sel');});c.classList.add('sel');
 var id=c.getAttribute('data-detail'),src=id&&d.getElementById(id);
 out.textContent='';
 if(src){out.appendChild(src.cloneNode(true)).removeAttribute('id');out.lastChild.hidden=false;}
 else{
  var t=c.querySelector('title'),txt=t?t.textContent:'';
  var rl=fig.querySelector('.rl[data-r="'+c.getAttribute('data-r')+'"] title'),cl=fig.querySelector('.cl[data-c="'+c.getAttribute('data-c')+'"] title');
  if(rl&&cl&&txt.indexOf(rl.textContent)!==0)txt=rl.textContent+' · '+cl.textContent+': '+txt;
  var p=d.createElement('p');p.className='cell-text';p.textContent=txt;out.appendChild(p);
 }
 var href=c.getAttribute('href')||c.getAttribute('data-goto'),g=fig.querySelector('a.go');
 if(href&&g){var a=g.cloneNode(true);a.setAttribute('href',href);a.hidden=false;out.appendChild(a);}
}
var NS='http://www.w3.org/2000/svg';
function el(p,n,a,t){var e=d.createElementNS(NS,n);for(var k in a)e.setAttribute(k,a[k]);if(t!==undefined)e.textContent=t;return p.appendChild(e);}
function cut(s,n){var c=Array.from(s);return c.length<=n?s:c.slice(0,Math.max(1,n-1)).join('')+'\u2026';}
function titled(p,t){
 if(typeof t==='string')return el(p,'title',{},t);
 var z=h.lang==='zh'?1:0,e=el(p,'title',{},t[z]);e.setAttribute(z?'data-en':'data-zh',t[1-z]);return e;
}
function heat(svg){
 var blk=d.getElementById(svg.getAttribute('data-hm'));if(!blk)return;
 var D=JSON.parse(blk.textContent),z=D.s,L=D.x0,T=D.y0;
 D.r.forEach(function(r,i){var t=el(svg,'text',{'class':'rl','data-r':r[1],x:L-6,y:T+i*z+z*0.7,'text-anchor':'end'});el(t,'title',{},r[0]);t.appendChild(d.createTextNode(cut(r[0],D.lc)));});
 D.c.forEach(function(c,j){var t=el(svg,'text',{'class':'cl','data-c':c[1],transform:'translate('+(L+j*z+z*0.6)+' '+(T-4)+') rotate(-45)'});el(t,'title',{},c[0]);t.appendChild(d.createTextNode(cut(c[0],D.lc)));});
 D.k.forEach(function(k){
  var x=L+k[1]*z,y=T+k[0]*z,v=k[2],to=k[5]>=0?D.a[k[5]]:null,kind=k.length>6?k[6]:-1,e;
  var at={'class':'cell','data-r':D.r[k[0]][1],'data-c':D.c[k[1]][1]};if(v!==null)at['data-v']=v;
  if(to&&kind===0){at.href=to;e=el(svg,'a',at);}
  else{if(to)at[kind===1?'data-goto':'data-detail']=to;if(kind===2){at.tabindex='0';at.role='button';}e=el(svg,'g',at);}
  titled(e,D.t[k[3]]);
  el(e,'rect',{x:x,y:y,width:z-1,height:z-1,fill:v===null?'url(#'+svg.id+'-na)':D.f[String(v)]});
  if(k.length>4&&k[4]>=0)el(e,'text',{'class':'mk',x:x+z/2,y:y+z*0.7,'text-anchor':'middle','aria-hidden':'true'},D.m[k[4]]);
 });
}
all('svg[data-hm]').forEach(heat);
all('.cmds[data-c]').forEach(function(c){
 var t=d.getElementById('copy-'+c.getAttribute('data-c')),code=c.querySelector('code');if(!t||!code||!t.content)return;
 var f=t.content.cloneNode(true),b=f.querySelector('button');if(b)b.setAttribute('data-copy',code.id);c.appendChild(f);
});
function num(e,a){return Number(e.getAttribute(a));}
function meshShow(svg,row,col){
 var n=num(svg,'data-n');if(!(row>=0&&col>=0&&row<n&&col<n))return;
 var ord=svg.getAttribute('data-order').split(','),i=Number(ord[row]),j=Number(ord[col]);
 var s=num(svg,'data-s'),x0=num(svg,'data-x0'),y0=num(svg,'data-y0');
 svg.setAttribute('data-sr',row);svg.setAttribute('data-sc',col);
 var sel=svg.querySelector('.sel');if(sel){sel.setAttribute('x',x0+col*s);sel.setAttribute('y',y0+row*s);sel.setAttribute('visibility','visible');}
 var mesh=svg.closest('.mesh'),sec=svg.closest('.mesh-plane'),fig=svg.closest('figure'),out=fig&&fig.querySelector('.cell-detail');
 if(!mesh||!sec||!out)return;
 if(!mesh.ppData){var blk=d.getElementById(mesh.id+'-data');mesh.ppData=blk?JSON.parse(blk.textContent):{r:[''],p:[],d:[],s:[]};}
 var D=mesh.ppData,g=D.p[num(sec,'data-g')]||[],rec=D.r[g[i*n+j]]||'',f=rec?rec.split('|'):[];
 var names=all('.mesh-names li',mesh),tpl=mesh.querySelector('.mesh-tpl .pair');if(!tpl)return;
 var p=tpl.cloneNode(true);
 function set(k,v){var e=p.querySelector('[data-f="'+k+'"]');if(e)e.textContent=v;}
 function drop(k){var e=p.querySelector('[data-k="'+k+'"]');if(e)e.parentNode.removeChild(e);}
 set('from',names[i]?names[i].textContent:'?');set('to',names[j]?names[j].textContent:'?');set('plane',sec.getAttribute('data-plane'));
 ['udp','arr','rtt','size','sfail','tcp','icmp','onset','bh','err'].forEach(function(k,x){var v=f[x]||'';if(!v)drop(k);else set(k,k==='bh'?'\u2713':v);});
 if(rec)drop('none');
 var pl=p.querySelector('[data-p="'+(f[10]||'x')+'"]');if(pl)pl.hidden=false;else drop('place');
 var det=f[11]?D.d[Number(f[11])]:null,more=p.querySelector('.pair-more'),dt=mesh.querySelector('.mesh-tpl .pair-detail');
 if(det&&more&&dt)more.appendChild(meshDetail(dt.cloneNode(true),det,D.s));
 p.setAttribute('data-from',String(i));p.setAttribute('data-to',String(j));
 out.textContent='';out.appendChild(p);
}
function meshDetail(p,x,S){
 function part(k,have,fill){var e=p.querySelector('[data-d="'+k+'"]');if(!e)return;if(have)fill(e);else e.parentNode.removeChild(e);}
 function val(e,i){e.querySelector('[data-v]').textContent=S[i];}
 function codes(ul,list){list.forEach(function(i){var li=d.createElement('li'),c=d.createElement('code');c.textContent=S[i];li.appendChild(c);ul.appendChild(li);});}
 part('e',x.e!==undefined,function(e){val(e,x.e);});
 part('x',x.x,function(e){codes(e,x.x);});
 part('p',x.p,function(e){codes(e.querySelector('ul'),x.p);});
 part('t',x.t!==undefined,function(e){val(e,x.t);});
 part('s',x.s!==undefined,function(e){val(e,x.s);});
 part('c',x.c,function(e){val(e,x.w);var ul=e.querySelector('ul');
  for(var k=0;k+1<x.c.length;k+=2){var li=d.createElement('li'),b=d.createElement('strong'),c=d.createElement('code');b.textContent=S[x.c[k]];c.textContent=S[x.c[k+1]];li.appendChild(b);li.appendChild(d.createTextNode(': '));li.appendChild(c);ul.appendChild(li);}});
 return p;
}
function meshClick(svg,ev){
 var m=svg.getScreenCTM();if(!m)return;
 var pt=svg.createSVGPoint();pt.x=ev.clientX;pt.y=ev.clientY;var q=pt.matrixTransform(m.inverse());
 var s=num(svg,'data-s');meshShow(svg,Math.floor((q.y-num(svg,'data-y0'))/s),Math.floor((q.x-num(svg,'data-x0'))/s));
}
d.addEventListener('click',function(ev){
 var t=ev.target;if(!t||!t.closest)return;
 var b=t.closest('button[data-lang]');if(b){setLang(b.getAttribute('data-lang'));return;}
 b=t.closest('button[data-copy]');if(b){copy(b);return;}
 var mm=t.closest('svg.mesh-map');if(mm){meshClick(mm,ev);return;}
 var c=t.closest('.cell');if(c){ev.preventDefault();cell(c);}
});
d.addEventListener('keydown',function(ev){
 var t=ev.target;if(!t||!t.closest)return;
 var mm=t.closest('svg.mesh-map');
 if(mm){
  var mv={ArrowUp:[-1,0],ArrowDown:[1,0],ArrowLeft:[0,-1],ArrowRight:[0,1]}[ev.key];
  if(!mv&&ev.key!=='Enter'&&ev.key!==' ')return;
  ev.preventDefault();
  var r=mm.hasAttribute('data-sr')?num(mm,'data-sr'):0,c=mm.hasAttribute('data-sc')?num(mm,'data-sc'):1,n=num(mm,'data-n');
  if(mv&&mm.hasAttribute('data-sr')){r=Math.max(0,Math.min(n-1,r+mv[0]));c=Math.max(0,Math.min(n-1,c+mv[1]));}
  meshShow(mm,r,c);return;
 }
 var c=t.closest('.cell');if(c&&(ev.key==='Enter'||ev.key===' ')){ev.preventDefault();cell(c);}
});
var opened=[];
window.addEventListener('beforeprint',function(){opened=all('details:not([open])');opened.forEach(function(e){e.open=true;});});
window.addEventListener('afterprint',function(){opened.forEach(function(e){e.open=false;});opened=[];});
})();
`;

/** The CSP: nothing fetched, only this page's inline style and script run, images only as data: URLs. */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";
