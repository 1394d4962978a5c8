/**
 * The paper's localization metrics (IoU and AUC of energy maps, cIoU against annotators' boxes) and
 * the evaluation that scores models, their ablations and baselines on a dataset split and writes
 * its tables and pictures.
 */
package ai.avloc.training.metrics;
