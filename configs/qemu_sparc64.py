# kunit.py --qemu_config for sparc64: qemu's sun4u (UltraSPARC IIi), which has one CPU. qemu's
# sun4v machines have one CPU too and do not boot Linux without a hypervisor firmware image.
# The Sun "su" serial console, as the kernel's own sparc64 config. No lockdep or KASAN here: the
# x86_64 kernel covers them; this one checks the sparc64 MMU code.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='sparc',
			   kconfig='''
CONFIG_64BIT=y
CONFIG_SPARC64=y
CONFIG_PCI=y
CONFIG_SERIAL_SUNSU=y
CONFIG_SERIAL_SUNSU_CONSOLE=y
CONFIG_PREEMPT=y''',
			   qemu_arch='sparc64',
			   kernel_path='arch/sparc/boot/image',
			   kernel_command_line='console=ttyS0',
			   extra_qemu_params=[])
