#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// Validates SARIF logs written by customs with tools customs did not write:
//  - the official SARIF 2.1.0 JSON schema (OASIS errata01, the copy that
//    Microsoft's SARIF SDK ships in @microsoft/sarif-multitool-linux),
//    through ajv with its format checks (uri, uri-reference, date-time...);
//  - what GitHub code scanning requires of an upload beyond the schema
//    (its documented SARIF support and limits): a tool driver name, every
//    result's rule in the driver's rules at its ruleIndex, a message text, a
//    location with a relative artifact URI and a region with startLine,
//    security-severity as a string number between 0 and 10, partial
//    fingerprints, and the per-run limits on results, rules and tags.
//
// usage: node validate-sarif.js FILE...   (exit 1 when a file is invalid)
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const Ajv2020 = require('ajv/dist/2020')
const addFormats = require('ajv-formats')

const schemaPath = path.join(__dirname, 'node_modules', '@microsoft', 'sarif-multitool-linux',
  'sarif-2.1.0.json')

// GitHub's limits for one upload
const MAX_RUNS = 20
const MAX_RESULTS = 25000
const MAX_RULES = 25000
const MAX_TAGS = 20
const MAX_LOCATIONS = 1000

function githubChecks (log, errors) {
  if (log.version !== '2.1.0') errors.push(`version is '${log.version}'`)
  if (!Array.isArray(log.runs) || !log.runs.length) errors.push('no runs')
  if ((log.runs || []).length > MAX_RUNS) errors.push(`more than ${MAX_RUNS} runs`)
  for (const [ri, run] of (log.runs || []).entries()) {
    const driver = run.tool?.driver || {}
    const rules = driver.rules || []
    const where = `runs[${ri}]`
    if (!driver.name) errors.push(`${where}: tool.driver.name is required`)
    if (rules.length > MAX_RULES) errors.push(`${where}: more than ${MAX_RULES} rules`)
    if ((run.results || []).length > MAX_RESULTS) errors.push(`${where}: more than ${MAX_RESULTS} results`)
    const ids = new Set()
    for (const [i, rule] of rules.entries()) {
      const w = `${where}.rules[${i}] ${rule.id}`
      if (ids.has(rule.id)) errors.push(`${w}: duplicate rule id`)
      ids.add(rule.id)
      if (!rule.shortDescription?.text) errors.push(`${w}: no shortDescription.text`)
      if (!rule.fullDescription?.text) errors.push(`${w}: no fullDescription.text`)
      if (!rule.help?.text) errors.push(`${w}: no help.text`)
      const props = rule.properties || {}
      const tags = props.tags || []
      if (tags.length > MAX_TAGS) errors.push(`${w}: more than ${MAX_TAGS} tags`)
      if ('security-severity' in props) {
        const s = props['security-severity']
        if (typeof s !== 'string' || !/^[0-9]+(\.[0-9]+)?$/.test(s) || Number(s) < 0 || Number(s) > 10) {
          errors.push(`${w}: security-severity '${s}' is not a string number from 0.0 to 10.0`)
        }
        if (!tags.includes('security')) errors.push(`${w}: a security-severity without the 'security' tag`)
      }
    }
    for (const [i, res] of (run.results || []).entries()) {
      const w = `${where}.results[${i}] ${res.ruleId}`
      if (!res.message?.text) errors.push(`${w}: no message.text`)
      if (!ids.has(res.ruleId)) errors.push(`${w}: ruleId is not a rule of the driver`)
      if (res.ruleIndex !== undefined && rules[res.ruleIndex]?.id !== res.ruleId) {
        errors.push(`${w}: ruleIndex ${res.ruleIndex} is rule '${rules[res.ruleIndex]?.id}'`)
      }
      const locs = res.locations || []
      if (!locs.length) errors.push(`${w}: no location`)
      if (locs.length > MAX_LOCATIONS) errors.push(`${w}: more than ${MAX_LOCATIONS} locations`)
      for (const loc of locs) {
        const pl = loc.physicalLocation || {}
        const uri = pl.artifactLocation?.uri
        if (typeof uri !== 'string' || !uri) errors.push(`${w}: no artifactLocation.uri`)
        else if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(uri) || uri.startsWith('/')) errors.push(`${w}: uri '${uri}' is not relative`)
        if (!(pl.region?.startLine >= 1)) errors.push(`${w}: no region.startLine`)
      }
      const fp = res.partialFingerprints || res.fingerprints
      if (!fp || !Object.keys(fp).length) errors.push(`${w}: no fingerprints`)
      for (const s of res.suppressions || []) {
        if (!['inSource', 'external'].includes(s.kind)) errors.push(`${w}: suppression kind '${s.kind}'`)
      }
    }
  }
}

function main () {
  const files = process.argv.slice(2)
  if (!files.length) {
    console.error('usage: validate-sarif.js FILE...')
    process.exit(2)
  }
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'))
  if (!/SARIF\) Version 2\.1\.0 JSON Schema$/.test(schema.title || '')) {
    console.error(`unexpected schema '${schema.title}' in ${schemaPath}`)
    process.exit(2)
  }
  const ajv = new Ajv2020({ allErrors: true, strict: false })
  addFormats(ajv)
  const validate = ajv.compile(schema)
  let failed = 0
  for (const f of files) {
    const errors = []
    let log
    try {
      log = JSON.parse(fs.readFileSync(f, 'utf8'))
    } catch (e) {
      errors.push(`not JSON: ${e.message}`)
    }
    if (log !== undefined) {
      if (!validate(log)) {
        for (const e of validate.errors) errors.push(`schema: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
      }
      githubChecks(log, errors)
    }
    if (errors.length) {
      failed++
      console.log(`invalid SARIF: ${f}`)
      for (const e of errors.slice(0, 50)) console.log(`  ${e}`)
    } else {
      console.log(`valid SARIF: ${f}`)
    }
  }
  process.exit(failed ? 1 : 0)
}

main()
