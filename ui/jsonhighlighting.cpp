// SPDX-License-Identifier: MIT
#include "jsonhighlighting.h"

#include "builtinjsonhighlighter.h"

#include <QPalette>
#include <QTextDocument>

#ifdef TL_HAVE_KSYNTAXHIGHLIGHTING
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>
#endif

JsonHighlighting::Backend JsonHighlighting::backend()
{
#ifdef TL_HAVE_KSYNTAXHIGHLIGHTING
    return Backend::KSyntaxHighlighting;
#else
    return Backend::Builtin;
#endif
}

QString JsonHighlighting::backendName()
{
    return backend() == Backend::KSyntaxHighlighting ? QStringLiteral("KSyntaxHighlighting")
                                                     : QStringLiteral("built-in");
}

QSyntaxHighlighter *JsonHighlighting::create(QTextDocument *document, const QPalette &palette)
{
#ifdef TL_HAVE_KSYNTAXHIGHLIGHTING
    // Loading the definitions costs tens of milliseconds: once per process, on first use.
    static KSyntaxHighlighting::Repository repository;
    const KSyntaxHighlighting::Definition definition = repository.definitionForName(QStringLiteral("JSON"));
    if (definition.isValid()) {
        auto *highlighter = new KSyntaxHighlighting::SyntaxHighlighter(document);
        highlighter->setTheme(repository.themeForPalette(palette));
        highlighter->setDefinition(definition);
        return highlighter;
    }
    // A system without the JSON definition installed still gets colours.
#endif
    return new BuiltinJsonHighlighter(document, palette);
}
