"""Recipe of the `simclr_convnet_fashion_mnist` preset.

SimCLR (Chen et al. 2020, arXiv 2002.05709; NT-Xent, temperature 0.2) on
the default ConvNet, pretrained on Fashion-MNIST's 60,000 training images
without labels. The recipe is `simclr_convnet_mnist5k`'s (AdamW 2e-3 with
cosine decay, weight decay 1e-4, batch 256), chosen before any
Fashion-MNIST run, with the views for clothing that
`vicreg_convnet_fashion_mnist` uses (`keras_ssl.augment.clothing_views`: a
horizontal flip, crops of 30-100% of the area, brightness and contrast
jitter, a light blur, no rotation). Not tuned on Fashion-MNIST. Cut for
the 2-core CPU: 12 epochs, as VICReg's (the paper trains 100 to 800 on
ImageNet).

    python zoo/recipes/simclr_convnet_fashion_mnist.py
"""

import fashion_recipe_tools
import recipe_tools

import keras_ssl


def build_model(seed):
    return keras_ssl.SimCLR(
        encoder=keras_ssl.encoders.ConvNet(input_shape=(28, 28, 1)),
        temperature=0.2,
        augmentation=keras_ssl.augment.clothing_views(seed=seed),
        seed=seed,
    )


if __name__ == "__main__":
    fashion_recipe_tools.fashion_recipe(
        "simclr_convnet_fashion_mnist",
        build_model,
        optimizer=recipe_tools.cosine_adam(2e-3, weight_decay=1e-4),
        epochs=12,
        batch_size=256,
        description=(
            "SimCLR on the default keras_ssl ConvNet (139,808 weights) with "
            "clothing views, pretrained on Fashion-MNIST's 60,000 training "
            "images without labels."
        ),
    )
