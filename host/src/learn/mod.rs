//! The learning pieces `eval` (the study) and `train` (the device recipe)
//! share: k-NN and class means ([`knn`]), PCA ([`pca`]), LDA ([`lda`]), the
//! Parzen-window decision ([`parzen`]) and training-image augmentation
//! ([`augment`]).

pub mod augment;
pub mod knn;
pub mod lda;
pub mod parzen;
pub mod pca;
