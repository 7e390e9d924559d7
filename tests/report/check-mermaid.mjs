// SPDX-License-Identifier: MIT
// Parses every ```mermaid block of the Markdown files given with Mermaid itself, as GitHub would
// render them; exits 1 naming the first chart Mermaid refuses, or when a file has none.
//   node tests/report/check-mermaid.mjs report.md...
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
for (const name of ['window', 'document', 'DOMParser', 'Element', 'navigator']) {
    if (!(name in globalThis))
        Object.defineProperty(globalThis, name, { value: name === 'window' ? dom.window : dom.window[name], configurable: true });
}
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

// The blocks a CommonMark reader sees: a fence closes on a line of the same character, at least
// as long, and nothing else.
function mermaidBlocks(text) {
    const blocks = [];
    let fence = null;
    let body = [];
    for (const line of text.split('\n')) {
        const match = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(line);
        if (!fence) {
            if (match) {
                fence = { mark: match[1], info: match[2] };
                body = [];
            }
        } else if (match && match[1][0] === fence.mark[0] && match[1].length >= fence.mark.length && line.trim() === match[1]) {
            if (fence.info === 'mermaid')
                blocks.push(body.join('\n'));
            fence = null;
        } else {
            body.push(line);
        }
    }
    return blocks;
}

let failed = false;
for (const file of process.argv.slice(2)) {
    const blocks = mermaidBlocks(readFileSync(file, 'utf8'));
    if (blocks.length === 0) {
        console.error(`${file}: no mermaid chart`);
        failed = true;
    }
    for (const [i, block] of blocks.entries()) {
        try {
            const parsed = await mermaid.parse(block);
            if (!parsed || parsed.diagramType !== 'gantt')
                throw new Error(`parsed as ${parsed && parsed.diagramType}`);
            // A task whose name starts with a keyword is dropped without an error: count them.
            const written = block.split('\n').filter(line => /:\s*(crit,\s*)?t\d+,/.test(line)).length;
            const diagram = await mermaid.mermaidAPI.getDiagramFromText(block);
            const tasks = diagram.db.getTasks().length;
            if (tasks !== written)
                throw new Error(`${written} task lines became ${tasks} tasks`);
        } catch (error) {
            console.error(`${file}: chart ${i + 1} does not parse: ${error.message}\n${block}`);
            failed = true;
        }
    }
    if (!failed)
        console.log(`${file}: ${blocks.length} mermaid chart(s) parse`);
}
process.exit(failed ? 1 : 0);
