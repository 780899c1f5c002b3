'use strict';
// Starts `argmap lsp` for Argdown documents; everything else (diagnostics, hover, inlay
// hints, navigation, rename, completion, quick fixes, formatting, the code lens and its
// argmap.cruxes command) comes from the server through vscode-languageclient.
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration('argmap');
  const server = { command: settings.get('path'), args: ['lsp'] };
  client = new LanguageClient('argmap', 'argmap', server, {
    documentSelector: [{ scheme: 'file', language: 'argdown' }, { scheme: 'untitled', language: 'argdown' }],
    initializationOptions: { argmap: { semantics: settings.get('semantics') } },
    synchronize: { configurationSection: 'argmap' },
  });
  context.subscriptions.push(vscode.commands.registerCommand('argmap.restart', () => client.restart()));
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
