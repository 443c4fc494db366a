/* Keeps the test helper library non-empty. */
typedef int sy_test_empty_unit;
