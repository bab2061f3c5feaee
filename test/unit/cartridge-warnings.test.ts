// Issue 13: the Common Cartridge reader's warnings carry a code and parameters, and are shown in the reader's
// language (locales/<language>/cartridge.json through problemText), the English catalogue saying what the English
// message says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { readImscc } from '../../src/ingest/readers/imscc';
import { CARTRIDGE_WARNING_CODES } from '../../src/domain/cartridge-codes';
import { DEFAULT_READER_LIMITS, type FileWarning, type ReaderLimits } from '../../src/domain/types';
import { readCatalogue, translator, type Catalogue } from '../../src/i18n/i18n';
import { problemText } from '../../src/i18n/row-messages';

async function warningsOf(zip: JSZip, limits: ReaderLimits = DEFAULT_READER_LIMITS): Promise<FileWarning[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cc-warnings-'));
  const file = path.join(dir, 'course.imscc');
  try {
    await writeFile(file, await zip.generateAsync({ type: 'nodebuffer' }));
    const warnings: FileWarning[] = [];
    for await (const _row of readImscc(file, limits, (w) => warnings.push(w)));
    return warnings;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A cartridge of another tool, written by hand after IMS CC 1.1, that raises most of the reader's warnings. */
function foreignCartridge(): JSZip {
  const zip = new JSZip();
  zip.file(
    'imsmanifest.xml',
    `<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="MANIFEST-7" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
  <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.4.0</schemaversion></metadata>
  <organizations><organization identifier="o" structure="rooted-hierarchy"><title>Géologie</title><item identifier="root">
    <item identifier="a"><title>Roches</title>
      <item identifier="a1" identifierref="link1"/><item identifier="a2" identifierref="link2"/>
    </item>
    <item identifier="b" identifierref="gone"><title>Fossiles</title></item>
    <item identifier="c" identifierref="page"/>
    <item identifier="d" identifierref="quiz1"><title>Quiz 1</title></item>
    <item identifier="e" identifierref="quiz2"><title>Quiz 2</title></item>
  </item></organization></organizations>
  <resources>
    <resource identifier="link1" type="imswl_xmlv1p1"><file href="l1.xml"/></resource>
    <resource identifier="link2" type="imswl_xmlv1p1"><file href="l2.xml"/></resource>
    <resource identifier="page" type="webcontent" href="absent.html"><file href="absent.html"/></resource>
    <resource identifier="quiz1" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"><file href="q1.xml"/></resource>
    <resource identifier="quiz2" type="imsqti_xmlv1p2/imscc_xmlv1p1/assessment"><file href="q2.xml"/></resource>
  </resources>
</manifest>`,
  );
  zip.file('l1.xml', '<webLink><title>V1</title><url href="https://video.example/1"/></webLink>');
  zip.file('l2.xml', '<webLink><title>V2</title><url href="https://video.example/2"/></webLink>');
  zip.file('q1.xml', '<questestinterop/>');
  zip.file('q2.xml', '<questestinterop/>');
  return zip;
}

test('every cartridge warning code has a message in both catalogues, with the same placeholders', () => {
  const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();
  const en = readCatalogue('en').cartridge as Catalogue;
  const fr = readCatalogue('fr').cartridge as Catalogue;
  for (const code of CARTRIDGE_WARNING_CODES) {
    const variants = Object.keys(en).filter((k) => k === code || k.startsWith(`${code}_`));
    assert.ok(variants.length > 0, `no English message for ${code}`);
    for (const key of variants) {
      const base = key.replace(/_(one|many|other)$/, '');
      const frKeys = Object.keys(fr).filter((k) => k.replace(/_(one|many|other)$/, '') === base);
      assert.ok(frKeys.length > 0, `no French message for ${key}`);
      for (const k of frKeys) assert.deepEqual(placeholders(fr[k] as string), placeholders(en[key] as string), k);
    }
  }
});

test("a foreign cartridge's warnings have codes and parameters, and read in French", async () => {
  const warnings = await warningsOf(foreignCartridge());
  assert.deepEqual(
    warnings.map((w) => [w.code, w.params]),
    [
      ['cartridge_version', { version: '1.4.0' }],
      ['cartridge_identifier', { identifier: 'MANIFEST-7' }],
      ['cartridge_title', { title: 'Géologie' }],
      ['cartridge_price', {}],
      ['cartridge_extra_link', { lesson: 1, title: 'Roches', url: 'https://video.example/2' }],
      ['cartridge_resource_undeclared', { lesson: 2, title: 'Fossiles', resource: 'gone' }],
      ['cartridge_file_missing', { lesson: 3, context: 'untitled', file: 'absent.html' }],
      ['cartridge_resource_skipped', { count: 2, type: 'imsqti_xmlv1p2/imscc_xmlv1p1/assessment', example: 'Quiz 1' }],
    ],
  );
  const fr = translator('fr');
  assert.deepEqual(warnings.map((w) => problemText(fr, w)), [
    'la cartouche déclare la version de schéma « 1.4.0 » ; elle a été lue comme une Common Cartridge 1.3',
    "les métadonnées de la cartouche n'ont pas d'identifiant ; l'identifiant de son manifeste, MANIFEST-7, sert d'identifiant externe (external_id)",
    'les métadonnées de la cartouche n\'ont pas de titre ; celui de son organisation, « Géologie », est utilisé',
    "la cartouche n'indique pas de prix ; le cours est importé comme gratuit",
    "leçon 1 (Roches) : seul le premier lien web est gardé comme vidéo ; https://video.example/2 n'a pas été importé",
    "leçon 2 (Fossiles) : l'élément renvoie à la ressource gone, que le manifeste ne déclare pas",
    "leçon 3 : le fichier absent.html n'est pas dans la cartouche",
    "2 éléments du type de ressource imsqti_xmlv1p2/imscc_xmlv1p1/assessment (par ex. « Quiz 1 ») n'ont pas été importés : seuls les contenus web et les liens web deviennent des leçons",
  ]);
  // In English, the catalogue gives back the reader's own English sentence, word for word.
  const en = translator('en');
  for (const w of warnings) assert.equal(problemText(en, w), w.message);
});

test('the other cartridge warnings: no version, no cost, one skipped item, a bad extension file, pages cut (sizes for the reader)', async () => {
  const zip = new JSZip();
  zip.file(
    'imsmanifest.xml',
    `<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"><metadata><lom><general><identifier><entry>X-1</entry></identifier><title><string>T</string></title></general><rights><cost><value>no</value></cost></rights></lom></metadata>
<organizations><organization identifier="o" structure="rooted-hierarchy"><item identifier="root">
  <item identifier="i1" identifierref="p1"><title>Un</title></item><item identifier="i2" identifierref="p2"><title>Deux</title></item><item identifier="i3" identifierref="f1"><title>Forum</title></item>
</item></organization></organizations>
<resources><resource identifier="ext" type="associatedcontent/imscc_xmlv1p3/learning-application-resource" href="course-import/course.json"><file href="course-import/course.json"/></resource>
<resource identifier="p1" type="webcontent" href="p1.html"><file href="p1.html"/></resource><resource identifier="p2" type="webcontent" href="p2.html"><file href="p2.html"/></resource>
<resource identifier="f1" type="imsdt_xmlv1p3"><file href="f1.xml"/></resource></resources></manifest>`,
  );
  zip.file('course-import/course.json', '{ not json');
  zip.file('p1.html', `<p>${'x'.repeat(3000)}</p>`);
  zip.file('p2.html', '<p>y</p>');
  zip.file('f1.xml', '<topic/>');
  const warnings = await warningsOf(zip, { ...DEFAULT_READER_LIMITS, maxRowBytes: 700, maxValueChars: 3000 });
  const fr = translator('fr');
  const byCode = new Map(warnings.map((w) => [w.code, w]));
  assert.deepEqual([...byCode.keys()].sort(), ['cartridge_content_cut', 'cartridge_extension_invalid', 'cartridge_price', 'cartridge_resource_skipped', 'cartridge_version'], JSON.stringify(warnings));
  assert.equal(problemText(fr, byCode.get('cartridge_version')!), 'la cartouche ne déclare aucune version de schéma ; elle a été lue comme une Common Cartridge 1.3');
  assert.equal(problemText(fr, byCode.get('cartridge_price')!), "la cartouche n'indique pas de prix (ses droits disent : sans frais) ; le cours est importé comme gratuit");
  assert.equal(problemText(fr, byCode.get('cartridge_extension_invalid')!), "course-import/course.json n'est pas un JSON valide ; ses champs n'ont pas été lus");
  assert.match(problemText(fr, byCode.get('cartridge_resource_skipped')!), /^1 élément du type de ressource imsdt_xmlv1p3 \(par ex\. « Forum »\) n'a pas été importé/u);
  const cut = warnings.filter((w) => w.code === 'cartridge_content_cut').map((w) => problemText(fr, w));
  assert.ok(cut.some((t) => /^p1\.html dépasse 2,7\sko ; la suite n'a pas été lue$/u.test(t)), cut.join(' | '));
  assert.ok(cut.some((t) => /^les pages de la cartouche dépassent .+ en tout ; p2\.html et les fichiers suivants n'ont pas été lus$/u.test(t)), cut.join(' | '));
  // In English, the same sentences as the reader's, but for sizes: written by Intl for the reader ('2.7 kB'), by
  // the reader itself for the CLI and logs ('2.7 KB').
  const en = translator('en');
  for (const w of warnings) assert.equal(problemText(en, w), w.code === 'cartridge_content_cut' ? w.message.replace(' KB', ' kB') : w.message);
});
