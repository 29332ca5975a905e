#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// Validates SBOM documents written by customs with tools that customs did
// not write:
//  - CycloneDX: the official CycloneDX 1.6 JSON schema (with its SPDX
//    licence-id and JSF schemas) through @cyclonedx/cyclonedx-library's
//    own ajv-based validator;
//  - every purl through packageurl-js, whose decoded name and version must
//    be the component's / package's;
//  - SPDX 2.3: no npm or Debian package ships the SPDX 2.3 JSON schema, so
//    the rules of the SPDX 2.3 specification that the schema encodes are
//    checked here (required fields, SPDXID syntax and uniqueness, allowed
//    keys, enums, date format, relationship targets), and every licence
//    expression is parsed with spdx-expression-parse, which knows the SPDX
//    licence and exception lists.
//
// usage: node validate.js FILE...   (exit 1 on the first invalid file)
'use strict'

const fs = require('node:fs')
const CDX = require('@cyclonedx/cyclonedx-library')
const { PackageURL } = require('packageurl-js')
const parseExpression = require('spdx-expression-parse')

function pep503 (s) {
  return s.toLowerCase().replace(/[-_.]+/g, '-')
}

// the package a purl names must be the one the document describes
function checkPurl (purl, { type, group, name, version }, where, errors) {
  let p
  try {
    p = PackageURL.fromString(purl)
  } catch (e) {
    errors.push(`${where}: packageurl-js cannot parse '${purl}': ${e.message}`)
    return
  }
  let full = p.name
  if (p.type === 'maven') {
    if (group !== undefined && p.namespace !== group) errors.push(`${where}: purl namespace '${p.namespace}' is not the group '${group}'`)
  } else if (p.namespace && ['npm', 'composer', 'golang'].includes(p.type)) {
    full = `${p.namespace}/${p.name}`
  }
  let want = group && ['npm', 'composer'].includes(p.type) ? `${group}/${name}` : name
  if (p.type === 'pypi') want = pep503(want)
  if (['npm', 'composer', 'deb', 'apk'].includes(p.type)) want = want.toLowerCase()
  if (full !== want) errors.push(`${where}: purl name '${full}' is not '${want}'`)
  if (type && p.type !== type) errors.push(`${where}: purl type '${p.type}' is not '${type}'`)
  let wantVersion = version
  if (p.type === 'rpm' && version && version.includes(':')) {
    const [epoch, rest] = [version.slice(0, version.indexOf(':')), version.slice(version.indexOf(':') + 1)]
    if (!p.qualifiers || p.qualifiers.epoch !== epoch) errors.push(`${where}: purl epoch is not ${epoch}`)
    wantVersion = rest
  }
  if (p.type === 'golang' && p.name === 'stdlib' && version && version.startsWith('go')) wantVersion = version.slice(2)
  if ((p.version ?? undefined) !== (wantVersion ?? undefined)) errors.push(`${where}: purl version '${p.version}' is not '${wantVersion}'`)
}

async function validateCycloneDX (doc, text, errors) {
  const version = CDX.Spec.Version.v1dot6
  if (doc.specVersion !== '1.6') errors.push(`specVersion is '${doc.specVersion}'`)
  let validator = new CDX.Validation.JsonStrictValidator(version)
  let res
  try {
    res = await validator.validate(text)
  } catch (e) {
    if (!(e instanceof CDX.Validation.NotImplementedError)) throw e
    validator = new CDX.Validation.JsonValidator(version)
    res = await validator.validate(text)
  }
  if (res !== null) errors.push('CycloneDX 1.6 schema: ' + JSON.stringify(res, null, 1))
  const refs = new Set()
  const addRef = (r, where) => {
    if (refs.has(r)) errors.push(`${where}: duplicate bom-ref '${r}'`)
    refs.add(r)
  }
  if (doc.metadata?.component?.['bom-ref']) addRef(doc.metadata.component['bom-ref'], 'metadata.component')
  for (const [i, c] of (doc.components || []).entries()) {
    const where = `components[${i}] ${c.name}`
    if (c['bom-ref']) addRef(c['bom-ref'], where)
    if (!c.purl) continue
    const type = (c.properties || []).find(p => p.name === 'customs:package:type')?.value
    checkPurl(c.purl, { type, group: c.group, name: c.name, version: c.version }, where, errors)
  }
  for (const d of doc.dependencies || []) {
    for (const r of [d.ref, ...(d.dependsOn || [])]) {
      if (!refs.has(r)) errors.push(`dependencies: '${r}' is not a bom-ref of the document`)
    }
  }
}

// --- SPDX 2.3 ---

const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]|23:59:60)Z$/
const SPDXID = /^SPDXRef-[a-zA-Z0-9.-]+$/
const DOC_KEYS = new Set(['$schema', 'SPDXID', 'annotations', 'comment', 'creationInfo', 'dataLicense',
  'externalDocumentRefs', 'hasExtractedLicensingInfos', 'name', 'revieweds', 'spdxVersion',
  'documentNamespace', 'documentDescribes', 'packages', 'files', 'snippets', 'relationships'])
const PACKAGE_KEYS = new Set(['SPDXID', 'annotations', 'attributionTexts', 'builtDate', 'checksums',
  'comment', 'copyrightText', 'description', 'downloadLocation', 'externalRefs', 'filesAnalyzed',
  'hasFiles', 'homepage', 'licenseComments', 'licenseConcluded', 'licenseDeclared',
  'licenseInfoFromFiles', 'name', 'originator', 'packageFileName', 'packageVerificationCode',
  'primaryPackagePurpose', 'releaseDate', 'sourceInfo', 'summary', 'supplier', 'validUntilDate',
  'versionInfo'])
const PURPOSES = new Set(['APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'OPERATING-SYSTEM',
  'DEVICE', 'FIRMWARE', 'SOURCE', 'ARCHIVE', 'FILE', 'INSTALL', 'OTHER'])
const REF_CATEGORIES = new Set(['OTHER', 'PERSISTENT-ID', 'SECURITY', 'PACKAGE-MANAGER', 'PACKAGE_MANAGER'])
const CHECKSUM_ALGS = new Set(['SHA1', 'BLAKE3', 'SHA3-384', 'SHA256', 'SHA384', 'BLAKE2b-512',
  'BLAKE2b-256', 'SHA3-512', 'MD2', 'ADLER32', 'MD4', 'SHA3-256', 'BLAKE2b-384', 'SHA512', 'MD6',
  'MD5', 'SHA224'])
const CPE23 = /^cpe:2\.3:[aho*-](:[^:]+){10}$/

function checkLicence (value, where, extracted, errors) {
  if (typeof value !== 'string') {
    errors.push(`${where}: missing`)
    return
  }
  if (value === 'NOASSERTION' || value === 'NONE') return
  let ast
  try {
    ast = parseExpression(value)
  } catch (e) {
    errors.push(`${where}: '${value}' is not an SPDX licence expression: ${e.message}`)
    return
  }
  const walk = n => {
    if (n.license && n.license.startsWith('LicenseRef-') && !extracted.has(n.license)) {
      errors.push(`${where}: '${n.license}' is not defined in hasExtractedLicensingInfos`)
    }
    if (n.left) walk(n.left)
    if (n.right) walk(n.right)
  }
  walk(ast)
}

function validateSpdx (doc, errors) {
  for (const k of Object.keys(doc)) if (!DOC_KEYS.has(k)) errors.push(`unknown document field '${k}'`)
  if (doc.spdxVersion !== 'SPDX-2.3') errors.push(`spdxVersion is '${doc.spdxVersion}'`)
  if (doc.dataLicense !== 'CC0-1.0') errors.push('dataLicense must be CC0-1.0')
  if (doc.SPDXID !== 'SPDXRef-DOCUMENT') errors.push('SPDXID must be SPDXRef-DOCUMENT')
  if (typeof doc.name !== 'string' || !doc.name) errors.push('name is required')
  try {
    const u = new URL(doc.documentNamespace)
    if (u.hash || doc.documentNamespace.includes('#')) errors.push('documentNamespace must not contain #')
  } catch (e) {
    errors.push(`documentNamespace '${doc.documentNamespace}' is not a URI`)
  }
  const ci = doc.creationInfo || {}
  if (!DATE.test(ci.created || '')) errors.push(`creationInfo.created '${ci.created}' is not a UTC date`)
  if (!Array.isArray(ci.creators) || !ci.creators.length) errors.push('creationInfo.creators is required')
  for (const c of ci.creators || []) if (!/^(Tool|Organization|Person): \S/.test(c)) errors.push(`creator '${c}'`)

  const extracted = new Set()
  for (const e of doc.hasExtractedLicensingInfos || []) {
    if (!/^LicenseRef-[a-zA-Z0-9.-]+$/.test(e.licenseId || '')) errors.push(`licenseId '${e.licenseId}'`)
    if (typeof e.extractedText !== 'string') errors.push(`${e.licenseId}: extractedText is required`)
    if (extracted.has(e.licenseId)) errors.push(`duplicate licenseId '${e.licenseId}'`)
    extracted.add(e.licenseId)
  }
  const ids = new Set(['SPDXRef-DOCUMENT'])
  if (!Array.isArray(doc.packages)) errors.push('packages must be an array')
  for (const [i, p] of (doc.packages || []).entries()) {
    const where = `packages[${i}] ${p.name}`
    for (const k of Object.keys(p)) if (!PACKAGE_KEYS.has(k)) errors.push(`${where}: unknown field '${k}'`)
    if (!SPDXID.test(p.SPDXID || '')) errors.push(`${where}: SPDXID '${p.SPDXID}'`)
    if (ids.has(p.SPDXID)) errors.push(`${where}: duplicate SPDXID '${p.SPDXID}'`)
    ids.add(p.SPDXID)
    if (typeof p.name !== 'string' || !p.name) errors.push(`${where}: name is required`)
    if (typeof p.downloadLocation !== 'string') errors.push(`${where}: downloadLocation is required`)
    if (p.filesAnalyzed !== undefined && typeof p.filesAnalyzed !== 'boolean') errors.push(`${where}: filesAnalyzed`)
    checkLicence(p.licenseConcluded, `${where}: licenseConcluded`, extracted, errors)
    checkLicence(p.licenseDeclared, `${where}: licenseDeclared`, extracted, errors)
    if (p.primaryPackagePurpose !== undefined && !PURPOSES.has(p.primaryPackagePurpose)) errors.push(`${where}: primaryPackagePurpose`)
    if (p.supplier !== undefined && !/^(NOASSERTION|(Person|Organization): \S.*)$/.test(p.supplier)) errors.push(`${where}: supplier '${p.supplier}'`)
    for (const c of p.checksums || []) {
      if (!CHECKSUM_ALGS.has(c.algorithm) || !/^[0-9a-fA-F]+$/.test(c.checksumValue || '')) errors.push(`${where}: checksum`)
    }
    for (const r of p.externalRefs || []) {
      if (!REF_CATEGORIES.has(r.referenceCategory)) errors.push(`${where}: referenceCategory '${r.referenceCategory}'`)
      if (typeof r.referenceType !== 'string' || typeof r.referenceLocator !== 'string') errors.push(`${where}: externalRef`)
      if (r.referenceType === 'purl') checkPurl(r.referenceLocator, { name: p.name, version: p.versionInfo }, where, errors)
      if (r.referenceType === 'cpe23Type' && !CPE23.test(r.referenceLocator)) errors.push(`${where}: cpe23Type '${r.referenceLocator}'`)
    }
  }
  for (const r of doc.relationships || []) {
    for (const k of ['spdxElementId', 'relatedSpdxElement']) {
      if (!ids.has(r[k])) errors.push(`relationship ${r[k]}: no such element`)
    }
    if (!/^[A-Z_]+$/.test(r.relationshipType || '')) errors.push(`relationshipType '${r.relationshipType}'`)
  }
  const describes = (doc.relationships || []).filter(r => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES')
  if (!describes.length) errors.push('the document DESCRIBES nothing')
}

async function main () {
  const files = process.argv.slice(2)
  let failed = 0
  if (!files.length) {
    console.error('usage: validate.js FILE...')
    process.exit(2)
  }
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8')
    const doc = JSON.parse(text)
    const errors = []
    let kind
    if (doc.bomFormat === 'CycloneDX') {
      kind = 'CycloneDX'
      await validateCycloneDX(doc, text, errors)
    } else if (doc.spdxVersion) {
      kind = 'SPDX'
      validateSpdx(doc, errors)
    } else {
      errors.push('neither CycloneDX nor SPDX')
    }
    if (errors.length) {
      failed++
      console.log(`invalid ${kind || 'document'}: ${f}`)
      for (const e of errors.slice(0, 50)) console.log(`  ${e}`)
    } else {
      console.log(`valid ${kind}: ${f}`)
    }
  }
  process.exit(failed ? 1 : 0)
}

main().catch(e => {
  console.error(e)
  process.exit(2)
})
