/* Docstrings and text signatures of the builtin functions and types, their
 * methods and the math module, as CPython's: vm/builtin_docs.tsv (written
 * by tools/gen_builtin_docs.py), made a C table at build time by
 * tools/embed_builtin_docs.c. */
#ifndef ASY_BUILTIN_DOCS_H
#define ASY_BUILTIN_DOCS_H

typedef struct BuiltinDoc {
    const char *owner;  /* "builtins", "math", or a builtin type's name */
    const char *name;   /* the function or method; "" for the owner's own doc */
    const char *sig;    /* __text_signature__ ("($module, obj, /)"), or NULL */
    const char *doc;    /* __doc__, or NULL */
} BuiltinDoc;

/* The entry for owner.name, or NULL. */
const BuiltinDoc *builtin_doc_find(const char *owner, const char *name);

#endif
