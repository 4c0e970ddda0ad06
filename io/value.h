/* A loosely typed attribute value, as SONATA attributes come from CSV cells (text that may
 * be a number) or from HDF5 datasets (numbers or strings). */
#ifndef CZ_IO_VALUE_H
#define CZ_IO_VALUE_H

typedef enum cz_value_kind { CZ_VAL_NULL = 0, CZ_VAL_NUM, CZ_VAL_STR } cz_value_kind;

typedef struct cz_value {
  cz_value_kind kind;
  double num;      /* valid when kind == CZ_VAL_NUM */
  const char *str; /* borrowed; valid when kind == CZ_VAL_STR */
} cz_value;

#endif
